package dev.herald.client;

import static dev.herald.client.TestServer.sse;
import static dev.herald.client.TestServer.sseOpen;
import static dev.herald.client.TestServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blocking {@link EventStream}: take, next with timeout, iteration, end and error, backpressure. */
class EventStreamTest {
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void takeAndNext() throws Exception {
    server.enqueue(sseOpen("id: 1\ndata: a\n\ndata: b\n\n"));
    EventStream events = EventSource.builder(server.uri()).stream();
    assertThat(events.take()).isEqualTo(MessageEvent.of("message", "a", "1"));
    assertThat(events.next(Duration.ofSeconds(30))).contains(MessageEvent.of("message", "b", "1"));
    assertThat(events.next(Duration.ofMillis(100))).isEmpty();
    assertThat(events.source().readyState()).isEqualTo(ReadyState.OPEN);
    events.close();
    assertThatThrownBy(events::take).isInstanceOf(NoSuchElementException.class);
    assertThat(events.source().readyState()).isEqualTo(ReadyState.CLOSED);
  }

  @Test
  void streamEndsCleanlyWithNeverPolicy() throws Exception {
    server.enqueue(sse("data: a\n\ndata: b\n\ndata: c\n\n"));
    try (EventStream events = EventSource.builder(server.uri()).reconnectPolicy(ReconnectPolicy.never()).stream()) {
      List<String> data = events.events().map(MessageEvent::data).collect(Collectors.toList());
      assertThat(data).containsExactly("a", "b", "c");
    }
  }

  @Test
  void errorEndsTheStreamWithTheException() throws Exception {
    server.enqueue(status(404));
    try (EventStream events = EventSource.builder(server.uri()).stream()) {
      assertThatThrownBy(events::take).isInstanceOf(UnexpectedStatusException.class).hasMessageContaining("unexpected status 404")
          .satisfies(e -> assertThat(((HeraldClientException) e).status()).hasValue(404));
      assertThatThrownBy(() -> events.next(Duration.ZERO)).isInstanceOf(HeraldClientException.class);
    }
  }

  @Test
  void iteratorAcrossReconnects() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\n"), sse("id: 2\ndata: b\n\n"), sse("id: 3\ndata: c\n\n"), status(204));
    ReconnectPolicy fast = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20)).build();
    try (EventStream events = EventSource.builder(server.uri()).reconnectPolicy(fast).stream()) {
      StringBuilder ids = new StringBuilder();
      for (MessageEvent event : events) {
        ids.append(event.lastEventId());
      }
      assertThat(ids.toString()).isEqualTo("123");
    }
  }

  @Test
  void aFullQueueStopsReadingAndCloseWakesEverything() throws Exception {
    int total = EventStream.CAPACITY * 4;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < total; i++) {
      body.append("data: ").append(i).append("\n\n");
    }
    server.enqueue(sseOpen(body.toString()));
    EventStream events = EventSource.builder(server.uri()).stream();
    assertThat(events.take().data()).isEqualTo("0");
    await().atMost(Duration.ofSeconds(30)).until(((RealEventStream) events)::waitingForRoom); // queue full, reader waits
    for (int i = 1; i < 10; i++) {
      assertThat(events.take().data()).isEqualTo(Integer.toString(i));
    }
    events.close();
    assertThatThrownBy(events::take).isInstanceOf(NoSuchElementException.class);
    await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() == 1);
  }

  @Test
  void aSlowConsumerIsNotAReadTimeout() throws Exception {
    int total = EventStream.CAPACITY * 2;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < total; i++) {
      body.append("data: ").append(i).append("\n\n");
    }
    server.enqueue(sseOpen(body.toString())).fallback(sseOpen(""));
    ManualTiming timing = new ManualTiming();
    try (EventStream events = EventSource.builder(server.uri()).readTimeout(Duration.ofMillis(300)).timing(timing).stream()) {
      assertThat(events.take().data()).isEqualTo("0");
      await().atMost(Duration.ofSeconds(30)).until(((RealEventStream) events)::waitingForRoom);
      timing.advance(Duration.ofSeconds(10)); // the reader waits far longer than the read timeout
      for (int i = 1; i < total; i++) {
        assertThat(events.next(Duration.ofSeconds(30)).map(MessageEvent::data)).contains(Integer.toString(i));
      }
      assertThat(events.source().readyState()).as("no read timeout dropped the stream").isEqualTo(ReadyState.OPEN);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void closeWakesABlockedConsumer() throws Exception {
    server.enqueue(sseOpen(""));
    EventStream events = EventSource.builder(server.uri()).stream();
    Thread consumer = Thread.currentThread();
    Thread closer = new Thread(() -> {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.getState() == Thread.State.WAITING);
      events.close();
    });
    closer.start();
    assertThatThrownBy(events::take).isInstanceOf(NoSuchElementException.class);
    closer.join();
  }
}
