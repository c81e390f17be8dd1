package dev.herald.examples;

import dev.herald.core.SseEvent;
import dev.herald.server.Channel;
import dev.herald.server.HeraldServer;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import java.util.Map;

/**
 * The README's first library example, kept here so it compiles and is tested: every
 * {@code GET /events} stream joins one channel, and {@code POST /broadcast} sends its body to all
 * of them.
 */
public final class QuickStart {
  private QuickStart() {}

  /** Starts the quick-start server on {@code port} (0 picks a free one). */
  public static HeraldServer start(int port) {
    // README-quickstart:begin
    Channel everyone = Channel.create();
    HeraldServer server = HeraldServer.builder()
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
    // README-quickstart:end
    return server;
  }

  /** Runs the quick start on port 8080 until the JVM stops. */
  public static void main(String[] args) throws InterruptedException {
    HeraldServer server = start(8080);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    System.out.println("Quick start listening on " + server.uri());
    Thread.currentThread().join();
  }
}
