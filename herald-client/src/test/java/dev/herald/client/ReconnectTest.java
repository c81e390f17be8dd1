package dev.herald.client;

import static dev.herald.client.TestServer.hang;
import static dev.herald.client.TestServer.sse;
import static dev.herald.client.TestServer.sseOpen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * Reconnecting: {@code Last-Event-ID}, {@code retry:}, backoff, read timeout (WPT
 * eventsource-reconnect, format-field-retry). Time is a {@link ManualTiming}: each test asserts the
 * delay the source chose and fires timeouts by moving the clock, so no verdict depends on speed.
 */
class ReconnectTest extends TestServerSupport {
  private static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).jitter(0).build();
  private final ManualTiming timing = new ManualTiming();

  private EventSource.Builder builder(ReconnectPolicy policy) {
    return EventSource.builder(server.uri()).reconnectPolicy(policy).timing(timing);
  }

  /** Asserts the next reconnect waits {@code delay}, then runs it. */
  private void reconnectsAfter(Duration delay) throws InterruptedException {
    ManualTiming.Task reconnect = timing.nextReconnect();
    assertThat(reconnect.delay).isEqualTo(delay);
    reconnect.run();
  }

  @Test
  void endOfStreamReconnectsWithLastEventId() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"), sse("data: c\n\nid: 3\ndata: d\n\n"), sseOpen("data: e\n\n"));
    source = builder(FAST).connect(recorder);
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "a", "1"));
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "b", "2"));
    Recorder.Error ended = recorder.nextError();
    assertThat(ended.willRetry()).isTrue();
    assertThat(ended.error()).isInstanceOf(StreamEndedException.class).hasMessageContaining("ended");
    assertThat(((StreamEndedException) ended.error()).endedCleanly()).isTrue();
    assertThat(source.readyState()).isEqualTo(ReadyState.CONNECTING);
    reconnectsAfter(Duration.ofMillis(50));
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("2");
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    // the id persists into the new connection's events until the stream sets another
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "c", "2"));
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "d", "3"));
    assertThat(recorder.nextError().willRetry()).isTrue();
    reconnectsAfter(Duration.ofMillis(100)); // the first stream never stayed open resetAfter: backoff
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("3");
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "e", "3"));
    assertThat(source.lastEventId()).isEqualTo("3");
  }

  @Test
  void idWithoutDataIsStillTheLastEventId() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\nid: 9\n\n"), sseOpen(""));
    source = builder(FAST).connect(recorder);
    server.takeRequest();
    timing.nextReconnect().run();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("9");
  }

  @Test
  void emptyIdResetsAndNoHeaderIsSent() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\nid\ndata: b\n\n"), sseOpen(""));
    source = builder(FAST).lastEventId("0").connect(recorder);
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("0");
    timing.nextReconnect().run();
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
  }

  @Test
  void retryFieldSetsTheReconnectionTime() throws Exception {
    ReconnectPolicy slow = ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(20)).jitter(0).build();
    server.enqueue(sse("retry: 100\ndata: a\n\n"), sseOpen("data: b\n\n"));
    source = builder(slow).connect(recorder);
    reconnectsAfter(Duration.ofMillis(100));
    assertThat(recorder.events(2)).extracting(MessageEvent::data).containsExactly("a", "b");
  }

  @Test
  void longRetryWithDefaultJitterWaitsBetweenHalfAndAllOfIt() throws Exception {
    server.enqueue(sse("retry: 3000\ndata: a\n\n"), sseOpen(""));
    source = EventSource.builder(server.uri()).timing(timing).connect(recorder);
    server.takeRequest();
    ManualTiming.Task reconnect = timing.nextReconnect();
    assertThat(reconnect.delay).isBetween(Duration.ofMillis(1500), Duration.ofMillis(3000));
    assertThat(server.connections()).isEqualTo(1); // only the scheduled task reconnects
    reconnect.run();
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
  }

  @Test
  void bogusRetryIsIgnored() throws Exception {
    // format-field-retry-bogus, format-field-retry-empty: only ASCII digits count
    server.enqueue(sse("retry: 1000x\nretry\nretry: -1\ndata: a\n\n"), sseOpen(""));
    ReconnectPolicy quick = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).jitter(0).build();
    source = builder(quick).connect(recorder);
    reconnectsAfter(Duration.ofMillis(100));
    server.takeRequest();
    server.takeRequest();
  }

  @Test
  void networkErrorsBackOffExponentially() throws Exception {
    ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).multiplier(3).jitter(0).build();
    // opens, then the connection is reset: a network error on a stream that never became healthy
    server.fallback((request, exchange) -> {
      exchange.write(TestServer.head(200, "Content-Type: text/event-stream"));
      exchange.socket.setSoLinger(true, 0);
    });
    source = builder(policy).connect(recorder);
    reconnectsAfter(Duration.ofMillis(100));
    reconnectsAfter(Duration.ofMillis(300));
    reconnectsAfter(Duration.ofMillis(900));
    reconnectsAfter(Duration.ofMillis(2700));
    assertThat(server.connections()).isGreaterThanOrEqualTo(4);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error().status()).isEmpty();
    assertThat(error.error()).isInstanceOf(StreamEndedException.class).hasMessageContaining("ended abruptly");
    assertThat(((StreamEndedException) error.error()).endedCleanly()).isFalse();
  }

  @Test
  void aStreamOpenForResetAfterStartsTheBackoffAgain() throws Exception {
    ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).jitter(0)
        .resetAfter(Duration.ofSeconds(60)).build();
    BlockingQueue<String> endSecond = new LinkedBlockingQueue<>();
    server.enqueue(sse("data: 1\n\n"), (request, exchange) -> {
      exchange.write(TestServer.head(200, "Content-Type: text/event-stream") + "data: 2\n\n");
      endSecond.take();
    }, sseOpen("data: 3\n\n"));
    source = builder(policy).readTimeout(Duration.ofMinutes(5)).connect(recorder);
    reconnectsAfter(Duration.ofMillis(100));
    assertThat(recorder.events(2)).extracting(MessageEvent::data).containsExactly("1", "2");
    timing.advance(Duration.ofSeconds(60)); // the second stream stays open resetAfter
    endSecond.add("end");
    reconnectsAfter(Duration.ofMillis(100)); // without the reset this would be the second attempt: 200 ms
    assertThat(recorder.events(1)).extracting(MessageEvent::data).containsExactly("3");
  }

  @Test
  void readTimeoutDropsAndReconnects() throws Exception {
    server.enqueue(sseOpen("id: 5\ndata: a\n\n"), sseOpen("data: b\n\n"));
    source = builder(FAST).readTimeout(Duration.ofMillis(300)).connect(recorder);
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "a", "5"));
    Object next = recorder.nextWhile(() -> timing.advance(Duration.ofMillis(300)));
    assertThat(next).isInstanceOf(Recorder.Error.class);
    Recorder.Error error = (Recorder.Error) next;
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error()).isInstanceOf(ReadTimeoutException.class).hasMessageContaining("no data for 300 ms");
    reconnectsAfter(Duration.ofMillis(50));
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "b", "5"));
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("5");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() >= 1);
  }

  @Test
  void heartbeatsKeepTheConnectionAlive() throws Exception {
    BlockingQueue<String> writes = new LinkedBlockingQueue<>();
    server.enqueue((request, exchange) -> {
      exchange.write(TestServer.head(200, "Content-Type: text/event-stream"));
      while (true) {
        exchange.write(writes.take());
      }
    });
    source = builder(FAST).readTimeout(Duration.ofMillis(400)).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    for (int i = 0; i < 8; i++) {
      writes.add(":\n");
      assertThat(recorder.next()).isEqualTo("comment:");
      timing.advance(Duration.ofMillis(300)); // less than the read timeout since the last byte
    }
    writes.add(":marker\n");
    assertThat(recorder.next()).as("no read timeout before the marker").isEqualTo("comment:marker");
    assertThat(server.connections()).isEqualTo(1);
    Object next = recorder.nextWhile(() -> timing.advance(Duration.ofMillis(400)));
    assertThat(((Recorder.Error) next).error()).hasMessageContaining("no data for 400 ms");
  }

  @Test
  void connectTimeoutWhenNoResponse() throws Exception {
    server.enqueue(hang(), sseOpen("data: b\n\n"));
    source = builder(FAST).connectTimeout(Duration.ofMillis(300)).connect(recorder);
    server.takeRequest();
    timing.advance(Duration.ofMillis(299));
    assertThat(timing.pendingTimeouts()).as("the connect timeout has not ended the exchange at 299 ms").isEqualTo(1);
    timing.advance(Duration.ofMillis(1));
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error()).isInstanceOf(ConnectionFailedException.class).hasMessageContaining("no response in 300 ms");
    reconnectsAfter(Duration.ofMillis(50));
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "b", ""));
  }

  @Test
  void neverPolicyEndsCleanlyAtEndOfStream() throws Exception {
    server.enqueue(sse("data: a\n\n")).fallback(sseOpen("data: no\n\n"));
    source = builder(ReconnectPolicy.never()).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent().data()).isEqualTo("a");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
    assertThat(timing.scheduledReconnects()).isZero();
  }
}
