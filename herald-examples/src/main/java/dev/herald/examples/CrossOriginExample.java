package dev.herald.examples;

import dev.herald.server.Channel;
import dev.herald.server.Cors;
import dev.herald.server.HeraldServer;
import dev.herald.server.Routing;

/**
 * The README's CORS example, kept here so it compiles and is tested (in headless Chromium, by
 * {@code CorsBrowserTest}): an event stream that pages from one other origin may open with
 * {@code new EventSource("http://host:port/events")}, also after a reconnect carrying
 * {@code Last-Event-ID}.
 */
public final class CrossOriginExample {
  private CrossOriginExample() {}

  /**
   * Starts a server on {@code port} (0 picks a free one) whose {@code GET /events} streams join
   * {@code everyone}, readable by pages from {@code pageOrigin}, e.g. {@code https://app.example}.
   */
  public static HeraldServer start(int port, String pageOrigin, Channel everyone) {
    // README-cors:begin
    Cors cors = Cors.builder()
        .allowOrigins(pageOrigin)          // e.g. "https://app.example"
        .allowHeaders("Last-Event-ID")
        .build();
    Routing routing = Routing.builder()
        .filter(cors)                      // answers preflights, adds Access-Control-Allow-Origin
        .sse("/events", (request, stream) -> everyone.join(stream))
        .build();
    // README-cors:end
    HeraldServer server = HeraldServer.builder().port(port).routing(routing).build().start();
    return server;
  }
}
