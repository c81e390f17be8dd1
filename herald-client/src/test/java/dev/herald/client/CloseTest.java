package dev.herald.client;

import static dev.herald.client.TestServer.hang;
import static dev.herald.client.TestServer.sse;
import static dev.herald.client.TestServer.sseOpen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EventSource#close()} from any thread stops the source at once; listener calls are serialized. */
class CloseTest {
  private static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).jitter(0).build();

  private TestServer server;
  private final Recorder recorder = new Recorder();

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void closeFromInsideTheListener() throws Exception {
    server.enqueue(sseOpen("data: 1\n\ndata: 2\n\ndata: 3\n\n"));
    EventSource source = EventSource.builder(server.uri()).reconnectPolicy(FAST).connect(new EventSourceListener() {
      @Override
      public void onEvent(EventSource source, MessageEvent event) {
        recorder.onEvent(source, event);
        source.close();
        assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
      }

      @Override
      public void onClosed(EventSource source) {
        recorder.onClosed(source);
      }
    });
    // events 2 and 3 would be delivered before CLOSED: the close is queued behind any report already
    // queued, and the cancelled exchange reports nothing more
    assertThat(recorder.nextEvent().data()).isEqualTo("1");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
    await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() == 1);
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void closeWhileConnecting() throws Exception {
    server.fallback(hang());
    ManualTiming timing = new ManualTiming();
    EventSource source = EventSource.builder(server.uri()).reconnectPolicy(FAST).timing(timing).connect(recorder);
    server.takeRequest();
    assertThat(source.readyState()).isEqualTo(ReadyState.CONNECTING);
    source.close();
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    // the request in flight is cancelled: the server sees the connection closed
    await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() == 1);
    assertThat(timing.scheduledReconnects()).as("no reconnect scheduled").isZero();
    assertThat(timing.pendingTimeouts()).as("the connect timeout is cancelled").isZero();
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void closeWhileWaitingToReconnect() throws Exception {
    server.enqueue(sse("data: 1\n\n")).fallback(sseOpen(""));
    ManualTiming timing = new ManualTiming();
    EventSource source = EventSource.builder(server.uri()).reconnectPolicy(FAST).timing(timing).connect(recorder);
    assertThat(recorder.events(1)).hasSize(1);
    assertThat(recorder.nextError().willRetry()).isTrue();
    assertThat(source.readyState()).isEqualTo(ReadyState.CONNECTING);
    ManualTiming.Task reconnect = timing.nextReconnect();
    source.close();
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(reconnect.isCancelled()).as("the pending reconnect is cancelled").isTrue();
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void closeFromAnotherThreadWhileOpen() throws Exception {
    server.enqueue(sseOpen("data: 1\n\n"));
    EventSource source = EventSource.builder(server.uri()).connect(recorder);
    assertThat(recorder.events(1)).hasSize(1);
    Thread closer = new Thread(source::close);
    closer.start();
    closer.join();
    source.close(); // idempotent
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() == 1);
  }

  @Test
  void listenerCallsAreSerializedAndInOrderOnTheGivenExecutor() throws Exception {
    int count = 2000;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append("id: ").append(i).append("\ndata: ").append(i).append("\n\n");
    }
    server.enqueue(sse(body.toString()));
    server.fallback(sseOpen(""));
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "user-pool");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger expected = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    EventSource source = EventSource.builder(server.uri()).executor(pool).reconnectPolicy(FAST).connect(new EventSourceListener() {
      @Override
      public void onEvent(EventSource source, MessageEvent event) {
        if (inside.incrementAndGet() != 1) {
          overlaps.incrementAndGet();
        }
        if (Integer.parseInt(event.data()) != expected.getAndIncrement()) {
          outOfOrder.incrementAndGet();
        }
        if (!Thread.currentThread().getName().equals("user-pool")) {
          overlaps.addAndGet(1000);
        }
        inside.decrementAndGet();
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> expected.get() == count);
    source.close();
    pool.shutdown();
    assertThat(overlaps.get()).isZero();
    assertThat(outOfOrder.get()).isZero();
    assertThat(source.lastEventId()).isEqualTo(Integer.toString(count - 1));
  }

  @Test
  void aThrowingListenerClosesTheSource() throws Exception {
    server.enqueue(sseOpen("data: 1\n\ndata: 2\n\n"));
    EventSource source = EventSource.builder(server.uri()).connect(new EventSourceListener() {
      @Override
      public void onEvent(EventSource source, MessageEvent event) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void onError(EventSource source, HeraldClientException error, boolean willRetry) {
        recorder.onError(source, error, willRetry);
      }

      @Override
      public void onClosed(EventSource source) {
        recorder.onClosed(source);
      }
    });
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
  }
}
