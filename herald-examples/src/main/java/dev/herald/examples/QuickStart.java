package dev.herald.examples;
// README-quickstart:begin
import dev.herald.core.SseEvent;
import dev.herald.server.Channel;
import dev.herald.server.HeraldServer;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import java.util.Map;

/** Broadcast: every GET /events stream joins one channel; POST /broadcast sends its body to all. */
public class QuickStart {
  /** Starts the server on {@code port} (0 picks a free one). */
  public static HeraldServer start(int port) {
    Channel everyone = Channel.create();
    return HeraldServer.builder()
        .port(port)
        .routing(Routing.builder()
            .sse("/events", (request, stream) -> everyone.join(stream))
            .post("/broadcast", request -> {
              int reached = everyone.send(SseEvent.of(request.bodyText()));
              return Response.json(Map.of("delivered", reached));
            })
            .build())
        .build()
        .start();
  }

  /** Serves on port {@code args[0]} (default 8080, 0 for any free port) until stopped. */
  public static void main(String[] args) throws InterruptedException {
    HeraldServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("Listening on " + server.uri() + "events (POST to /broadcast)");
    Thread.currentThread().join();
  }
}
// README-quickstart:end
