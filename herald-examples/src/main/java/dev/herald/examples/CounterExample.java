package dev.herald.examples;

import dev.herald.core.SseEvent;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.Routing;
import dev.herald.server.SseStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Scenario 1, {@code GET /counter}: {@code {"num": n}} once an interval for n = 1..10, each with
 * id n, then the server ends the stream. A client that reconnects with {@code Last-Event-ID: k}
 * continues at k + 1; one that already has all ten gets 204, which tells a browser to stop.
 */
final class CounterExample {
  static final int COUNT = 10;

  private final ScheduledExecutorService scheduler;
  private final Duration interval;

  CounterExample(ScheduledExecutorService scheduler, Duration interval) {
    this.scheduler = scheduler;
    this.interval = interval;
  }

  void register(Routing.Builder routes) {
    routes.sse("/counter", this::stream);
  }

  private void stream(Request request, SseStream stream) {
    int last = stream.lastEventId().map(CounterExample::parseId).orElse(0);
    if (last >= COUNT) {
      throw new HttpException(204, "the counter has finished");
    }
    Ticker.run(scheduler, interval, stream, last + 1, n -> {
      stream.send(SseEvent.builder().id(Integer.toString(n)).data("{\"num\": " + n + "}").build());
      return n < COUNT;
    });
  }

  private static int parseId(String id) {
    try {
      return Math.max(0, Math.min(COUNT, Integer.parseInt(id.trim())));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
