package dev.herald.client;

import static dev.herald.client.TestServer.hang;
import static dev.herald.client.TestServer.sse;
import static dev.herald.client.TestServer.sseOpen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reconnecting: {@code Last-Event-ID}, {@code retry:}, backoff, read timeout (WPT eventsource-reconnect, format-field-retry). */
class ReconnectTest extends TestServerSupport {
  private static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).jitter(0).build();

  @Test
  void endOfStreamReconnectsWithLastEventId() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"), sse("data: c\n\nid: 3\ndata: d\n\n"), sseOpen("data: e\n\n"));
    source = EventSource.builder(server.uri()).reconnectPolicy(FAST).connect(recorder);
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "a", "1"));
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "b", "2"));
    Recorder.Error ended = recorder.nextError();
    assertThat(ended.willRetry()).isTrue();
    assertThat(ended.error()).hasMessageContaining("ended");
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("2");
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    // the id persists into the new connection's events until the stream sets another
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "c", "2"));
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "d", "3"));
    assertThat(recorder.nextError().willRetry()).isTrue();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("3");
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "e", "3"));
    assertThat(source.lastEventId()).isEqualTo("3");
  }

  @Test
  void idWithoutDataIsStillTheLastEventId() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\nid: 9\n\n"), sseOpen(""));
    source = EventSource.builder(server.uri()).reconnectPolicy(FAST).connect(recorder);
    server.takeRequest();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("9");
  }

  @Test
  void emptyIdResetsAndNoHeaderIsSent() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\nid\ndata: b\n\n"), sseOpen(""));
    source = EventSource.builder(server.uri()).reconnectPolicy(FAST).lastEventId("0").connect(recorder);
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("0");
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
  }

  @Test
  void retryFieldSetsTheReconnectionTime() throws Exception {
    ReconnectPolicy slow = ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(20)).jitter(0).build();
    server.enqueue(sse("retry: 100\ndata: a\n\n"), sseOpen(""));
    source = EventSource.builder(server.uri()).reconnectPolicy(slow).connect(recorder);
    long first = server.takeRequest().nanoTime();
    long second = server.takeRequest(Duration.ofSeconds(5)).nanoTime();
    assertThat(Duration.ofNanos(second - first)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void longRetryMeansNoEarlyReconnect() throws Exception {
    // retry: 3000 with the default jitter (0.5) waits at least 1.5 s
    server.enqueue(sse("retry: 3000\ndata: a\n\n"), sseOpen(""));
    source = EventSource.builder(server.uri()).connect(recorder);
    server.takeRequest();
    Thread.sleep(1000);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.takeRequest(Duration.ofSeconds(5)).header("Last-Event-ID")).isNull();
  }

  @Test
  void bogusRetryIsIgnored() throws Exception {
    // format-field-retry-bogus, format-field-retry-empty: only ASCII digits count
    server.enqueue(sse("retry: 1000x\nretry\nretry: -1\ndata: a\n\n"), sseOpen(""));
    ReconnectPolicy quick = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).jitter(0).build();
    source = EventSource.builder(server.uri()).reconnectPolicy(quick).connect(recorder);
    long first = server.takeRequest().nanoTime();
    long second = server.takeRequest(Duration.ofSeconds(5)).nanoTime();
    assertThat(Duration.ofNanos(second - first)).isLessThan(Duration.ofMillis(900));
  }

  @Test
  void networkErrorsBackOffExponentially() throws Exception {
    ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).multiplier(3).jitter(0).build();
    // opens, then the connection is reset: a network error on a stream that never became healthy
    server.fallback((request, exchange) -> {
      exchange.write(TestServer.head(200, "Content-Type: text/event-stream"));
      exchange.socket.setSoLinger(true, 0);
    });
    source = EventSource.builder(server.uri()).reconnectPolicy(policy).connect(recorder);
    long t0 = server.takeRequest().nanoTime();
    long t1 = server.takeRequest().nanoTime();
    long t2 = server.takeRequest().nanoTime();
    long t3 = server.takeRequest().nanoTime();
    assertThat(Duration.ofNanos(t1 - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
    assertThat(Duration.ofNanos(t2 - t1)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    assertThat(Duration.ofNanos(t3 - t2)).isGreaterThanOrEqualTo(Duration.ofMillis(890));
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error().status()).isEmpty();
  }

  @Test
  void readTimeoutDropsAndReconnects() throws Exception {
    server.enqueue(sseOpen("id: 5\ndata: a\n\n"), sseOpen("data: b\n\n"));
    source = EventSource.builder(server.uri()).reconnectPolicy(FAST).readTimeout(Duration.ofMillis(300)).connect(recorder);
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "a", "5"));
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error()).hasMessageContaining("no data for 300 ms");
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "b", "5"));
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("5");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.clientCloses() >= 1);
  }

  @Test
  void heartbeatsKeepTheConnectionAlive() throws Exception {
    server.enqueue((request, exchange) -> {
      exchange.write(TestServer.head(200, "Content-Type: text/event-stream"));
      for (int i = 0; i < 8; i++) {
        exchange.write(":\n");
        Thread.sleep(100);
      }
      exchange.awaitClientClose();
    });
    source = EventSource.builder(server.uri()).reconnectPolicy(FAST).readTimeout(Duration.ofMillis(400)).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    for (int i = 0; i < 8; i++) {
      assertThat(recorder.next()).isEqualTo("comment:");
    }
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void connectTimeoutWhenNoResponse() throws Exception {
    server.enqueue(hang(), sseOpen("data: b\n\n"));
    source = EventSource.builder(server.uri()).reconnectPolicy(FAST).connectTimeout(Duration.ofMillis(300)).connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error()).hasMessageContaining("no response in 300 ms");
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "b", ""));
  }

  @Test
  void neverPolicyEndsCleanlyAtEndOfStream() throws Exception {
    server.enqueue(sse("data: a\n\n")).fallback(sseOpen("data: no\n\n"));
    source = EventSource.builder(server.uri()).reconnectPolicy(ReconnectPolicy.never()).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent().data()).isEqualTo("a");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
  }
}
