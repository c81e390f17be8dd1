package dev.herald.examples;
// README-cors:begin
import dev.herald.core.SseEvent;
import dev.herald.server.Channel;
import dev.herald.server.Cors;
import dev.herald.server.HeraldServer;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import java.util.Map;

/** The quick start, readable by pages from one other origin: new EventSource("http://host:port/events"). */
public class CrossOriginExample {
  /** Starts the server on {@code port} (0 picks a free one) for pages from {@code pageOrigin}. */
  public static HeraldServer start(int port, String pageOrigin, Channel everyone) {
    Cors cors = Cors.builder()
        .allowOrigins(pageOrigin)          // e.g. "https://app.example"
        .allowHeaders("Last-Event-ID")
        .build();
    return HeraldServer.builder()
        .port(port)
        .routing(Routing.builder()
            .filter(cors)                  // answers preflights, adds Access-Control-Allow-Origin
            .sse("/events", (request, stream) -> everyone.join(stream))
            .post("/broadcast", request ->
                Response.json(Map.of("delivered", everyone.send(SseEvent.of(request.bodyText())))))
            .build())
        .build()
        .start();
  }

  /** Serves on port {@code args[0]} (default 8080) for pages from {@code args[1]} (default http://localhost:5173). */
  public static void main(String[] args) throws InterruptedException {
    String origin = args.length > 1 ? args[1] : "http://localhost:5173";
    HeraldServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080, origin, Channel.create());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("Listening on " + server.uri() + "events for pages from " + origin);
    Thread.currentThread().join();
  }
}
// README-cors:end
