package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which threads run what: the server's own pools by default (plain handlers, SSE handlers and
 * callbacks apart), or an executor the user gives, which the server neither shuts down nor
 * interrupts.
 */
class HandlerExecutorTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final AtomicInteger userThreads = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool(
      task -> new Thread(task, "user-" + userThreads.incrementAndGet()));
  /** The given executor: counts the tasks the server hands it. */
  private final AtomicInteger submitted = new AtomicInteger();
  private final Executor counting = task -> {
    submitted.incrementAndGet();
    pool.execute(task);
  };
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CompletableFuture<String> outcome = new CompletableFuture<>();

  @AfterEach
  void end() {
    release.countDown();
    pool.shutdownNow();
  }

  /**
   * {@code /thread} and the stream {@code /events} answer the name of the thread their handler
   * ran on; {@code /block} holds its handler until {@link #release}, then completes {@link #outcome}.
   */
  private Routing routing() {
    return Routing.builder()
        .get("/thread", req -> Response.text(Thread.currentThread().getName()))
        .sse("/events", (req, stream) -> stream.send(Thread.currentThread().getName()))
        .get("/block", req -> {
          entered.countDown();
          try {
            release.await();
            outcome.complete("returned");
          } catch (InterruptedException e) {
            outcome.complete("interrupted");
          }
          return Response.text("done");
        })
        .build();
  }

  private static String body(HeraldServer server, String path) throws Exception {
    try (RawClient c = RawClient.get(server.port(), path)) {
      String response = c.readResponse(T);
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  private static String firstEventData(HeraldServer server, String path) throws Exception {
    try (RawClient c = RawClient.get(server.port(), path)) {
      String text = c.readUntil("\n\n", T);
      return text.substring(text.indexOf("data: ") + 6, text.length() - 2);
    }
  }

  @Test
  void plainAndSseHandlersRunOnTheGivenExecutor() throws Exception {
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing()).handlerExecutor(counting)
        .build().start()) {
      assertThat(body(server, "/thread")).startsWith("user-");
      assertThat(firstEventData(server, "/events")).startsWith("user-");
      assertThat(submitted.get()).isEqualTo(2);
    }
    // the server does not own it: still running and taking work after stop()
    assertThat(pool.isShutdown()).isFalse();
    CompletableFuture<String> after = CompletableFuture.supplyAsync(() -> "still works", pool);
    assertThat(after.get(T.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("still works");
  }

  @Test
  void byDefaultPlainHandlersSseHandlersAndCallbacksHaveThreadsOfTheirOwn() throws Exception {
    CompletableFuture<String> callbackThread = new CompletableFuture<>();
    Routing routing = Routing.builder()
        .get("/thread", req -> Response.text(Thread.currentThread().getName()))
        .sse("/events", (req, stream) -> {
          stream.onClose(r -> callbackThread.complete(Thread.currentThread().getName()));
          stream.send(Thread.currentThread().getName());
        })
        .build();
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing).build().start()) {
      String prefix = server.threadPrefix();
      assertThat(body(server, "/thread")).startsWith(prefix + "worker-");
      assertThat(firstEventData(server, "/events")).startsWith(prefix + "sse-");
      assertThat(callbackThread.get(T.toMillis(), TimeUnit.MILLISECONDS)).startsWith(prefix + "callback-");
    }
  }

  @Test
  void aRefusingExecutorIsAnswered503AndTheServerStaysUp() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Executor refusing = task -> {
      if (calls.incrementAndGet() % 2 == 1) {
        throw new RejectedExecutionException("full");
      }
      throw new IllegalStateException("a broken executor");
    };
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing()).handlerExecutor(refusing)
        .build().start()) {
      for (String path : new String[] {"/thread", "/thread", "/block"}) { // refused, broken, refused
        try (RawClient c = RawClient.get(server.port(), path)) {
          String response = c.readResponse(T);
          assertThat(RawClient.status(response)).isEqualTo(503);
          assertThat(response).containsIgnoringCase("Content-Type: application/json")
              .endsWith("{\"status\":503,\"error\":\"Service Unavailable\",\"message\":\"Server is busy\"}");
        }
      }
      try (RawClient c = RawClient.get(server.port(), "/events")) {
        String response = c.readResponse(T);
        assertThat(RawClient.status(response)).isEqualTo(503);
        assertThat(response).endsWith("\"message\":\"Server is busy\"}");
      }
      assertThat(calls.get()).isEqualTo(4);
    }
  }

  @Test
  void stopWaitsTheGraceForAHandlerOnTheGivenExecutorWithoutInterruptingIt() throws Exception {
    HeraldServer server = HeraldServer.builder().port(0).routing(routing()).handlerExecutor(counting)
        .shutdownGrace(Duration.ofHours(1)).build().start();
    try (RawClient c = RawClient.get(server.port(), "/block")) {
      assertThat(entered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      Thread stopper = new Thread(server::close, "stopper");
      stopper.start();
      // stop() has done everything else and now waits out the grace for the handler
      await().atMost(T).until(() -> Arrays.stream(stopper.getStackTrace())
          .anyMatch(f -> f.getMethodName().equals("awaitIdle")));
      release.countDown();
      stopper.join(T.toMillis());
      assertThat(stopper.isAlive()).as("stop() returned once the handler did").isFalse();
      assertThat(outcome.getNow("still running")).isEqualTo("returned");
    } finally {
      server.close();
    }
  }

  @Test
  void afterTheGraceAHandlerOnTheGivenExecutorIsLeftRunningNotInterrupted() throws Exception {
    HeraldServer server = HeraldServer.builder().port(0).routing(routing()).handlerExecutor(counting)
        .shutdownGrace(Duration.ZERO).build().start();
    try (RawClient c = RawClient.get(server.port(), "/block")) {
      assertThat(entered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      server.close(); // an interrupt would have been sent before this returns
      assertThat(outcome).isNotDone();
      release.countDown();
      assertThat(outcome.get(T.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("returned");
    } finally {
      server.close();
    }
  }

  @Test
  void sseHandlerThreadsBoundsTheSseHandlersRunningAtOnce() throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger firstReturnedBeforeSecondStarted = new AtomicInteger(-1);
    CountDownLatch firstReturned = new CountDownLatch(1);
    Routing routing = Routing.builder()
        .sse("/hold", (req, stream) -> {
          if (started.incrementAndGet() == 1) {
            entered.countDown();
            release.await();
            firstReturned.countDown();
          } else {
            firstReturnedBeforeSecondStarted.set((int) (1 - firstReturned.getCount()));
          }
          stream.send("ran");
        })
        .build();
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing).sseHandlerThreads(1).build().start();
        RawClient first = RawClient.get(server.port(), "/hold")) {
      assertThat(entered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      try (RawClient second = RawClient.get(server.port(), "/hold")) {
        await().atMost(T).until(() -> server.sseHandlersWaiting() == 1);
        assertThat(started.get()).as("the second handler waits for the only SSE thread").isOne();
        release.countDown();
        first.readUntil("data: ran\n\n", T);
        second.readUntil("data: ran\n\n", T);
        assertThat(firstReturnedBeforeSecondStarted.get()).isOne();
      }
    }
  }

  @Test
  void theOptionsAreChecked() {
    HeraldServer.Builder b = HeraldServer.builder();
    assertThatThrownBy(() -> b.sseHandlerThreads(0)).hasMessage("sseHandlerThreads must be positive: 0");
    assertThatThrownBy(() -> b.handlerExecutor(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("executor == null");
    assertThat(HeraldServer.DEFAULT_SSE_HANDLER_THREADS).isEqualTo(256);
  }
}
