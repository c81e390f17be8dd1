package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Handlers that block do not stall unrelated work: SSE handlers, plain handlers and stream
 * callbacks each have their own threads. Every verdict is "this completed while those were
 * still blocked on a latch the test holds", never a time bound.
 */
class BlockingHandlersTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final int BLOCKED_STREAMS = 50;
  private static final int PINGS = 20;
  private static final int PLAIN_WORKERS = 2;

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch plainBlocked = new CountDownLatch(PLAIN_WORKERS);

  @Test
  void fiftyBlockedSseHandlersDoNotDelayAPing() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger returned = new AtomicInteger();
    CountDownLatch allRunning = new CountDownLatch(BLOCKED_STREAMS);
    Routing routing = Routing.builder()
        .get("/ping", req -> Response.text("pong"))
        .sse("/llm", (req, stream) -> {
          running.incrementAndGet();
          allRunning.countDown();
          try {
            // the natural LLM-style route: send a token, wait, send the next one
            int token = 0;
            while (!release.await(100, TimeUnit.MILLISECONDS)) {
              stream.send("token " + token++);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            returned.incrementAndGet();
          }
        })
        .build();
    // default threads: exactly what a user gets without configuring anything
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing).build().start()) {
      long idleMedian = medianPingNanos(server.port());

      List<RawClient> streams = new ArrayList<>();
      try {
        for (int i = 0; i < BLOCKED_STREAMS; i++) {
          streams.add(RawClient.get(server.port(), "/llm"));
        }
        assertThat(allRunning.await(T.toMillis(), TimeUnit.MILLISECONDS))
            .as("all %d SSE handlers running at once (%d are)", BLOCKED_STREAMS, running.get()).isTrue();

        // the verdict: if /ping were queued behind the blocked handlers it could not complete
        // before the latch is released, and the test holds the latch until after it did
        CompletableFuture<String> ping = CompletableFuture.supplyAsync(() -> ping(server.port()));
        assertThat(ping.get(T.toMillis(), TimeUnit.MILLISECONDS)).startsWith("HTTP/1.1 200").endsWith("pong");
        assertThat(returned.get()).as("no SSE handler returned before /ping did").isZero();
        assertThat(release.getCount()).isOne();

        long busyMedian = medianPingNanos(server.port());
        assertThat(returned.get()).as("still blocked after %d pings", PINGS).isZero();
        System.out.printf("GET /ping median of %d: idle server %.3f ms, with %d blocked SSE handlers %.3f ms%n",
            PINGS, idleMedian / 1e6, BLOCKED_STREAMS, busyMedian / 1e6);
      } finally {
        release.countDown();
        for (RawClient c : streams) {
          c.close();
        }
      }
    }
  }

  @Test
  void sixBlockedPlainHandlersDoNotDelayAPing() throws Exception {
    int blocked = 6; // the case: more slow handlers than the old fixed pool of 4 threads
    CountDownLatch allBlocked = new CountDownLatch(blocked);
    Routing routing = Routing.builder()
        .get("/ping", req -> Response.text("pong"))
        .get("/slow", req -> {
          allBlocked.countDown();
          release.await();
          return Response.text("released");
        })
        .build();
    // default threads: exactly what a user gets without configuring anything
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing).build().start()) {
      List<RawClient> slow = new ArrayList<>();
      try {
        for (int i = 0; i < blocked; i++) {
          slow.add(RawClient.get(server.port(), "/slow"));
        }
        assertThat(allBlocked.await(T.toMillis(), TimeUnit.MILLISECONDS)).as("all six slow handlers running").isTrue();
        CompletableFuture<String> ping = CompletableFuture.supplyAsync(() -> ping(server.port()));
        assertThat(ping.get(T.toMillis(), TimeUnit.MILLISECONDS)).startsWith("HTTP/1.1 200").endsWith("pong");
        assertThat(release.getCount()).as("the slow handlers were still blocked").isOne();
      } finally {
        release.countDown();
        for (RawClient c : slow) {
          assertThat(c.readResponse(T)).endsWith("released");
          c.close();
        }
      }
    }
  }

  @Test
  void onCloseRunsWhileEveryPlainWorkerIsBlocked() throws Exception {
    CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    try (HeraldServer server = blockablePlainWorkers(closed)) {
      RawClient watched = RawClient.get(server.port(), "/events?watch");
      watched.readUntil("data: hi\n\n", T);
      List<RawClient> plain = blockEveryPlainWorker(server);
      try {
        watched.close();
        assertThat(closed.get(T.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(CloseReason.CLIENT_DISCONNECT);
        assertThat(release.getCount()).as("the plain workers were still blocked").isOne();
      } finally {
        releaseAll(plain);
      }
    }
  }

  @Test
  void anSseHandlerStartsWhileEveryPlainWorkerIsBlocked() throws Exception {
    try (HeraldServer server = blockablePlainWorkers(new CompletableFuture<>())) {
      List<RawClient> plain = blockEveryPlainWorker(server);
      try (RawClient stream = RawClient.get(server.port(), "/events")) {
        stream.readUntil("data: hi\n\n", T);
        assertThat(release.getCount()).as("the plain workers were still blocked").isOne();
      } finally {
        releaseAll(plain);
      }
    }
  }

  /**
   * A server with {@value #PLAIN_WORKERS} plain workers, a {@code /block} route that holds one
   * until {@link #release}, and an SSE route that sends {@code hi} (and with {@code ?watch}
   * completes {@code closed} from its {@code onClose}).
   */
  private HeraldServer blockablePlainWorkers(CompletableFuture<CloseReason> closed) {
    Routing routing = Routing.builder()
        .get("/block", req -> {
          plainBlocked.countDown();
          release.await();
          return Response.text("released");
        })
        .sse("/events", (req, stream) -> {
          if (req.query("watch").isPresent()) {
            stream.onClose(closed::complete);
          }
          stream.send("hi");
        })
        .build();
    return HeraldServer.builder().port(0).workerThreads(PLAIN_WORKERS).routing(routing).build().start();
  }

  /** Blocks every plain worker, plus one request waiting in the queue behind them. */
  private List<RawClient> blockEveryPlainWorker(HeraldServer server) throws Exception {
    List<RawClient> plain = new ArrayList<>();
    for (int i = 0; i < PLAIN_WORKERS + 1; i++) {
      plain.add(RawClient.get(server.port(), "/block"));
    }
    assertThat(plainBlocked.await(T.toMillis(), TimeUnit.MILLISECONDS)).as("every plain worker blocked").isTrue();
    return plain;
  }

  /** Releases the blocked plain handlers; each request, the queued one too, is then answered. */
  private void releaseAll(List<RawClient> plain) throws Exception {
    release.countDown();
    for (RawClient c : plain) {
      assertThat(c.readResponse(T)).endsWith("released");
      c.close();
    }
  }

  /** The median time of {@value #PINGS} sequential {@code GET /ping}, each on a new connection. */
  private static long medianPingNanos(int port) {
    long[] nanos = new long[PINGS];
    for (int i = 0; i < PINGS; i++) {
      long start = System.nanoTime();
      assertThat(ping(port)).endsWith("pong");
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos[PINGS / 2];
  }

  private static String ping(int port) {
    try (RawClient c = RawClient.get(port, "/ping")) {
      return c.readResponse(T);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
