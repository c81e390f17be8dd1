package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEvent;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two policies at the bound, over real sockets: paced sends ({@link SseStream#sendWhenWritable},
 * {@link SseStream#awaitWritable}) wait for a slow reader and lose nothing; a plain
 * {@link SseStream#send} loop against the same reader closes the stream as slow.
 */
class PacedSendTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final long BOUND = 16 * 1024;
  private static final int EVENTS = 100_000;
  /** The largest event the loops send; the bound may be crossed by one of them. */
  private static final int EVENT_MAX = EncodedEvent.of(event(EVENTS - 1)).size();
  private static final Pattern ID = Pattern.compile("id: (\\d+)\n");
  /** The end marker, sent after the last event the way the loop sends, then the server's close. */
  private static final SseEvent END = SseEvent.builder().event("end").data("end").build();

  private final BlockingQueue<NettySseStream> opened = new LinkedBlockingQueue<>();
  private final BlockingQueue<Recorder<CloseReason>> closes = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> produced = new CompletableFuture<>();
  private final AtomicLong maxSeen = new AtomicLong();
  private final AtomicInteger waits = new AtomicInteger();
  /** Whether the producer is waiting for room now (set before it waits, cleared when it goes on). */
  private volatile boolean waitingNow;
  private final ExecutorService side = Executors.newCachedThreadPool();
  private HeraldServer server;

  @BeforeEach
  void start() {
    server = start(Duration.ZERO);
  }

  private HeraldServer start(Duration heartbeat) {
    Routing routing = Routing.builder()
        .sse("/stage", (req, stream) -> new StageProducer(open(stream)).run())
        .sse("/blocking", (req, stream) -> blockingLoop(open(stream)))
        .sse("/plain", (req, stream) -> plainLoop(open(stream)))
        .sse("/manual", (req, stream) -> open(stream))
        .build();
    return HeraldServer.builder().port(0).routing(routing).heartbeatInterval(heartbeat)
        .maxBufferedBytes(BOUND).socketSendBuffer(8 * 1024).build().start();
  }

  private SseStream open(SseStream stream) {
    Recorder<CloseReason> reasons = new Recorder<>();
    stream.onClose(reasons);
    closes.add(reasons);
    opened.add((NettySseStream) stream);
    return stream;
  }

  @AfterEach
  void stop() {
    server.close();
    side.shutdownNow();
  }

  private static SseEvent event(int i) {
    return SseEvent.builder().id(Integer.toString(i)).data("e" + i).build();
  }

  private void observe(SseStream stream) {
    maxSeen.accumulateAndGet(stream.bufferedBytes(), Math::max);
  }

  /** Sends every event with sendWhenWritable, continuing from the stage when it waited: no thread held. */
  private final class StageProducer {
    private final SseStream stream;
    private volatile int next;

    StageProducer(SseStream stream) {
      this.stream = stream;
    }

    void run() {
      try {
        while (next < EVENTS) {
          CompletableFuture<Boolean> sent = stream.sendWhenWritable(event(next)).toCompletableFuture();
          if (!sent.isDone()) {
            waits.incrementAndGet();
            waitingNow = true;
            sent.whenComplete((ok, e) -> {
              waitingNow = false;
              if (Boolean.TRUE.equals(ok)) {
                accepted();
                run();
              } else {
                produced.complete("refused at " + next + " " + e);
              }
            });
            return;
          }
          if (!sent.join()) {
            produced.complete("refused at " + next);
            return;
          }
          accepted();
        }
        // paced too: the last event may have taken the backlog over the bound, where a plain
        // send is refused with a close (SLOW_CONSUMER) and the stream ends without the marker
        stream.sendWhenWritable(END).whenComplete((ok, e) -> {
          stream.close();
          produced.complete(Boolean.TRUE.equals(ok) ? "done" : "end refused " + e);
        });
      } catch (Throwable t) {
        produced.completeExceptionally(t);
      }
    }

    private void accepted() {
      observe(stream);
      next++;
    }
  }

  /** The simple handler loop: awaitWritable, then a plain send, on the handler's thread. */
  private void blockingLoop(SseStream stream) {
    try {
      for (int i = 0; i < EVENTS; i++) {
        if (!stream.isWritable()) {
          waits.incrementAndGet();
          waitingNow = true;
        }
        boolean writable = stream.awaitWritable(T);
        waitingNow = false;
        if (!writable || !stream.send(event(i))) {
          produced.complete("refused at " + i + ", open " + stream.isOpen());
          return;
        }
        observe(stream);
      }
      // the marker the same way: the last event may have taken the backlog over the bound,
      // where a plain send without the wait is refused with a close (SLOW_CONSUMER)
      boolean sent = stream.awaitWritable(T) && stream.send(END);
      stream.close();
      produced.complete(sent ? "done" : "end refused, open " + stream.isOpen());
    } catch (Throwable t) {
      produced.completeExceptionally(t);
    }
  }

  /** The broadcast policy in a loop: every send, counted, whatever it returns. */
  private void plainLoop(SseStream stream) {
    int accepted = 0;
    long started = System.nanoTime();
    for (int i = 0; i < EVENTS; i++) {
      if (stream.send(event(i))) {
        accepted++;
      }
    }
    long micros = (System.nanoTime() - started) / 1000;
    produced.complete(accepted + " accepted in " + micros + " us");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/stage", "/blocking"})
  void aPacedLoopDeliversEveryEventInOrderToAReaderThatStallsFirst(String path) throws Exception {
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      long started = System.nanoTime();
      client.write(RawClient.request("GET", path));
      NettySseStream stream = opened.poll(T.toSeconds(), TimeUnit.SECONDS);
      Recorder<CloseReason> reasons = closes.poll(T.toSeconds(), TimeUnit.SECONDS);
      // the reader reads nothing until the backlog has reached the bound and the producer waits
      await().atMost(T).until(() -> stream.peakBufferedBytes() >= BOUND && waitingNow);
      assertThat(stream.isOpen()).isTrue();

      long reading = System.nanoTime();
      int expected = 0;
      try {
        client.readHead(T);
        while (expected < EVENTS) {
          String block = client.readUntil("\n\n", T);
          Matcher m = ID.matcher(block);
          assertThat(m.find()).as("an event block: %s", block).isTrue();
          assertThat(Integer.parseInt(m.group(1))).isEqualTo(expected);
          assertThat(block).endsWith("data: e" + expected + "\n\n");
          expected++;
        }
        assertThat(client.readUntil("\n\n", T)).endsWith("event: end\ndata: end\n\n");
        assertThat(client.awaitEof(T)).isTrue();
      } catch (IOException | AssertionError e) {
        // the stream's close reason is set before its connection closes: the failure says why
        throw new AssertionError("reading " + path + " failed after " + expected + " events: " + stream
            + ", producer " + produced.handle((v, t) -> v != null ? v : "failed: " + t).getNow("still running"), e);
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      long readMillis = (System.nanoTime() - reading) / 1_000_000;

      assertThat(produced.get(T.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done");
      assertThat(reasons.next(T)).as("no close but the server's own, after the end").isEqualTo(CloseReason.SERVER_CLOSE);
      assertThat(maxSeen.get()).as("bufferedBytes seen by the producer").isLessThanOrEqualTo(BOUND + EVENT_MAX);
      assertThat(stream.peakBufferedBytes()).isLessThanOrEqualTo(BOUND + EVENT_MAX);
      System.out.printf("paced %s: %d events in %d ms (%d ms once the reader reads), %d waits,"
          + " max bufferedBytes seen %d, peak %d (bound %d)%n",
          path, EVENTS, millis, readMillis, waits.get(), maxSeen.get(), stream.peakBufferedBytes(), BOUND);
    }
  }

  @Test
  void aPlainLoopAgainstTheSameStalledReaderIsClosedAsSlowAndDropsEvents() throws Exception {
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/plain"));
      NettySseStream stream = opened.poll(T.toSeconds(), TimeUnit.SECONDS);
      Recorder<CloseReason> reasons = closes.poll(T.toSeconds(), TimeUnit.SECONDS);
      String result = produced.get(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(reasons.next(T)).isEqualTo(CloseReason.SLOW_CONSUMER);
      int accepted = Integer.parseInt(result.substring(0, result.indexOf(' ')));
      assertThat(accepted).isLessThan(EVENTS);
      assertThat(stream.peakBufferedBytes()).isLessThanOrEqualTo(BOUND + EVENT_MAX);

      int arrived = 0;
      try {
        client.readHead(T);
        while (true) {
          Matcher m = ID.matcher(client.readUntil("\n\n", T));
          assertThat(m.find()).isTrue();
          assertThat(Integer.parseInt(m.group(1))).isEqualTo(arrived);
          arrived++;
        }
      } catch (IOException endOfStream) {
        // the server closed the connection; what it dropped never comes
      }
      assertThat(arrived).as("the backlog dropped at the close").isLessThan(accepted);
      System.out.printf("plain: %d sends, %s, %d refused, %d arrived, %d accepted and dropped%n",
          EVENTS, result, EVENTS - accepted, arrived, accepted - arrived);
    }
  }

  @Test
  void aPacedSendWaitingWhenTheClientGoesAwayCompletesFalse() throws Exception {
    RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096));
    client.write(RawClient.request("GET", "/manual"));
    NettySseStream stream = opened.poll(T.toSeconds(), TimeUnit.SECONDS);
    Recorder<CloseReason> reasons = closes.poll(T.toSeconds(), TimeUnit.SECONDS);
    // far more than the stalled reader's kernel buffers hold: the backlog stays over the bound
    String big = "b".repeat((int) (10 * BOUND));
    assertThat(stream.sendWhenWritable(SseEvent.of(big)).toCompletableFuture().getNow(false))
        .as("room: queued at once").isTrue();
    CompletableFuture<Boolean> first = stream.sendWhenWritable(event(1)).toCompletableFuture();
    CompletableFuture<Boolean> second = stream.sendWhenWritable(EncodedEvent.of(event(2))).toCompletableFuture();
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    assertThat(stream.pacedWaiting()).isEqualTo(2);
    assertThat(stream.isOpen()).as("never closed for the bound").isTrue();

    client.close();
    assertThat(first.get(T.toSeconds(), TimeUnit.SECONDS)).isFalse();
    assertThat(second.get(T.toSeconds(), TimeUnit.SECONDS)).isFalse();
    assertThat(reasons.next(T)).isEqualTo(CloseReason.CLIENT_DISCONNECT);
    assertThat(stream.pacedWaiting()).isZero();
    assertThat(stream.sendWhenWritable(event(3)).toCompletableFuture().getNow(true)).as("closed: at once").isFalse();
  }

  @Test
  void pacedSendsMadeWithoutWaitingGoOutInCallOrderAndAPlainSendAfterThemFollows() throws Exception {
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/manual"));
      NettySseStream stream = opened.poll(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(stream.sendWhenWritable(SseEvent.of("b".repeat((int) (10 * BOUND)))).toCompletableFuture().join()).isTrue();
      int n = 2000;
      List<CompletableFuture<Boolean>> stages = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        stages.add(stream.sendWhenWritable(event(i)).toCompletableFuture());
      }
      assertThat(stages.get(0)).as("behind the undrained big event").isNotDone();
      assertThat(stream.pacedWaiting()).isEqualTo(n);

      client.readHead(T);
      assertThat(client.readUntil("\n\n", T)).contains("data: bbb");
      for (int i = 0; i < n; i++) {
        Matcher m = ID.matcher(client.readUntil("\n\n", T));
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(i);
      }
      assertThat(stages.get(n - 1).get(T.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(stages).allMatch(s -> s.getNow(false));
      assertThat(stream.send("after")).isTrue();
      assertThat(client.readUntil("\n\n", T)).endsWith("data: after\n\n");
      assertThat(stream.peakBufferedBytes()).as("the waiting events are not in the backlog").isLessThan(11 * BOUND);
    }
  }

  @Test
  void awaitWritableTimesOutOnAStalledReaderAndLeavesTheStreamOpen() throws Exception {
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/manual"));
      NettySseStream stream = opened.poll(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(stream.awaitWritable(Duration.ZERO)).as("empty: writable at once").isTrue();
      assertThat(stream.send(SseEvent.of("b".repeat((int) (10 * BOUND))))).isTrue();

      assertThat(stream.awaitWritable(Duration.ofMillis(200))).isFalse();
      assertThat(stream.awaitWritable(Duration.ofMillis(-1))).isFalse();
      assertThat(stream.isOpen()).isTrue();

      // a reader that reads wakes a waiting thread, which then finds the stream writable
      Future<Boolean> waiting = blockedInAwait(stream);
      client.readHead(T);
      client.readUntil("\n\n", T);
      assertThat(waiting.get(T.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(stream.isOpen()).isTrue();
    }
  }

  @Test
  void awaitWritableReturnsFalseWhenTheStreamClosesAndThrowsWhenInterrupted() throws Exception {
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/manual"));
      NettySseStream stream = opened.poll(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(stream.send(SseEvent.of("b".repeat((int) (10 * BOUND))))).isTrue();

      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> stream.awaitWritable(Duration.ofMinutes(10))).isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).as("status cleared by the throw").isFalse();

      // the wait is far longer than the test's own timeout: only the close can end it in time
      Future<Boolean> waiting = blockedInAwait(stream);
      stream.close();
      assertThat(waiting.get(T.toSeconds(), TimeUnit.SECONDS)).isFalse();
      assertThat(stream.awaitWritable(Duration.ofMinutes(10))).as("closed: at once").isFalse();
    }
  }

  @Test
  void aHeartbeatClosesAStalledPacedStreamAndItsWaitingSendCompletesFalse() throws Exception {
    server.close();
    server = start(Duration.ofMillis(200));
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/manual"));
      NettySseStream stream = opened.poll(T.toSeconds(), TimeUnit.SECONDS);
      Recorder<CloseReason> reasons = closes.poll(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(stream.send(SseEvent.of("b".repeat((int) (10 * BOUND))))).isTrue();
      CompletableFuture<Boolean> waiting = stream.sendWhenWritable(event(1)).toCompletableFuture();
      Future<Boolean> blocked = blockedInAwait(stream);

      assertThat(reasons.next(T)).isEqualTo(CloseReason.SLOW_CONSUMER);
      assertThat(waiting.get(T.toSeconds(), TimeUnit.SECONDS)).isFalse();
      assertThat(blocked.get(T.toSeconds(), TimeUnit.SECONDS)).isFalse();
      assertThat(client.awaitEof(T)).isTrue();
    }
  }

  /** A thread in {@code awaitWritable(10 min)}, returned once it is parked in the wait. */
  private static Future<Boolean> blockedInAwait(SseStream stream) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(stream.awaitWritable(Duration.ofMinutes(10)));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "awaitWritable");
    t.setDaemon(true);
    t.start();
    await().atMost(T).until(() -> t.getState() == Thread.State.TIMED_WAITING || result.isDone());
    return result;
  }

  private static void receiveBuffer(Socket socket, int size) {
    try {
      socket.setReceiveBufferSize(size);
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
  }
}
