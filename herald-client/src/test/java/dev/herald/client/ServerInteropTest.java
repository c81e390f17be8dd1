package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.core.SseEvent;
import dev.herald.server.HeraldServer;
import dev.herald.server.Routing;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against herald-server: a stream that the server ends every few hundred events and
 * resumes from {@code Last-Event-ID} arrives complete, each event exactly once, in order.
 */
class ServerInteropTest {
  private static final int TOTAL = 10_000;
  private static final int PER_CONNECTION = 333;

  private HeraldServer server;
  private final AtomicInteger connections = new AtomicInteger();

  @BeforeEach
  void start() {
    Routing routing = Routing.builder()
        .sse("/events", (request, stream) -> {
          connections.incrementAndGet();
          int from = stream.lastEventId().map(Integer::parseInt).orElse(0) + 1;
          int to = Math.min(TOTAL, from + PER_CONNECTION - 1);
          for (int id = from; id <= to; id++) {
            stream.send(SseEvent.builder().id(Integer.toString(id)).data("event " + id).build());
          }
          if (to < TOTAL) {
            stream.close(); // the client must resume after event `to`
          } else {
            stream.send(SseEvent.builder().event("marker").data("end").build()); // no id: lastEventId stays TOTAL
          }
        })
        .build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI uri() {
    return server.uri().resolve("/events");
  }

  @Test
  void tenThousandEventsAcrossServerClosesExactlyOnceInOrder() throws Exception {
    ReconnectPolicy quick = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(5)).multiplier(1).build();
    List<MessageEvent> received = new ArrayList<>();
    try (EventStream events = EventSource.builder(uri()).reconnectPolicy(quick).stream()) {
      while (received.size() < TOTAL) {
        received.add(events.next(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError("stalled at " + received.size())));
      }
      // the marker sent after the last event is next: no duplicate came in between
      assertThat(events.next(Duration.ofSeconds(30)).map(MessageEvent::type)).contains("marker");
      assertThat(events.source().lastEventId()).isEqualTo(Integer.toString(TOTAL));
    }
    for (int i = 0; i < TOTAL; i++) {
      MessageEvent event = received.get(i);
      String id = Integer.toString(i + 1);
      assertThat(event.lastEventId()).isEqualTo(id);
      assertThat(event.data()).isEqualTo("event " + id);
    }
    assertThat(connections.get()).isEqualTo((TOTAL + PER_CONNECTION - 1) / PER_CONNECTION);
  }

  @Test
  void listenerSeesOpenEventsAndReconnects() throws Exception {
    Recorder recorder = new Recorder();
    ReconnectPolicy quick = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(5)).multiplier(1).build();
    EventSource source = EventSource.builder(uri()).lastEventId(Integer.toString(TOTAL - PER_CONNECTION - 1))
        .reconnectPolicy(quick).connect(recorder);
    try {
      assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
      assertThat(recorder.nextEvent().lastEventId()).isEqualTo(Integer.toString(TOTAL - PER_CONNECTION));
      List<MessageEvent> rest = recorder.events(PER_CONNECTION);
      assertThat(rest.get(rest.size() - 1).lastEventId()).isEqualTo(Integer.toString(TOTAL));
      assertThat(source.readyState()).isEqualTo(ReadyState.OPEN);
      assertThat(connections.get()).isEqualTo(2);
    } finally {
      source.close();
    }
  }
}
