package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Plain connections that wait too long for a request are closed; event streams and busy
 * handlers are not. The clock is a {@link FakeTicker} and the test runs the sweeps, so no
 * verdict depends on how fast the machine is; one test checks that the scheduled sweeps run.
 */
class RequestTimeoutTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String HALF_REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n";

  private final FakeTicker clock = new FakeTicker();
  private final BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
  private final CountDownLatch slowEntered = new CountDownLatch(1);
  private final CountDownLatch slowRelease = new CountDownLatch(1);
  private HeraldServer server;

  private HeraldServer start(Duration timeout, Ticker ticker) {
    Routing routing = Routing.builder()
        .get("/", req -> Response.text("hi"))
        .get("/slow", req -> {
          slowEntered.countDown();
          slowRelease.await();
          return Response.text("slow");
        })
        .post("/echo", req -> Response.text(req.bodyText()))
        .sse("/events", (req, stream) -> opened.add(stream))
        .build();
    server = HeraldServer.builder().port(0).routing(routing).requestTimeout(timeout)
        .heartbeatInterval(Duration.ZERO).ticker(ticker).build().start();
    return server;
  }

  @AfterEach
  void stop() {
    slowRelease.countDown();
    if (server != null) {
      server.close();
    }
  }

  /**
   * Reading a response does not mean the server has finished with it: the write's listener,
   * which restarts the connection's wait at the clock's time, may run just after the bytes
   * arrived, on the event loop. A sweep queued on the loops now runs after it (and times out
   * nothing, as the clock has not moved), so the clock is only moved once the wait restarted.
   */
  private void afterResponseWritten() {
    assertThat(server.sweepNow().timedOut()).isZero();
  }

  /** Waits until the server has read the first bytes of a request on {@code n} connections. */
  private void awaitPartialRequests(int n) {
    await().atMost(T).until(() -> server.partialRequests() == n);
  }

  @Test
  void halfSentHeadGets408ThenEof() throws Exception {
    start(TIMEOUT, clock);
    try (RawClient c = RawClient.open(server.port())) {
      c.write(HALF_REQUEST);
      awaitPartialRequests(1);
      clock.advance(TIMEOUT);
      assertThat(server.sweepNow().timedOut()).isEqualTo(1);
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).isEqualTo(408);
      assertThat(response).containsIgnoringCase("connection: close")
          .endsWith("{\"status\":408,\"error\":\"Request Timeout\",\"message\":\"No complete request within 30000 ms\"}");
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void halfSentBodyGets408() throws Exception {
    start(TIMEOUT, clock);
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.readHead(T)).startsWith("HTTP/1.1 100 Continue"); // the head has been read
      c.write("abc");
      clock.advance(TIMEOUT);
      assertThat(server.sweepNow().timedOut()).isEqualTo(1);
      assertThat(RawClient.status(c.readResponse(T))).isEqualTo(408);
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void notBeforeTheTimeout() throws Exception {
    start(TIMEOUT, clock);
    try (RawClient c = RawClient.open(server.port())) {
      c.write(HALF_REQUEST);
      awaitPartialRequests(1);
      clock.advance(TIMEOUT.minusMillis(1));
      assertThat(server.sweepNow().timedOut()).isZero();
      c.write("\r\n");
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).isEqualTo(200);
      assertThat(response).endsWith("hi");
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedWithoutResponse() throws Exception {
    start(TIMEOUT, clock);
    try (RawClient c = RawClient.get(server.port(), "/")) {
      assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
      afterResponseWritten();
      clock.advance(TIMEOUT.minusMillis(1));
      assertThat(server.sweepNow().timedOut()).as("not timed out yet").isZero();
      c.write(RawClient.request("GET", "/"));
      assertThat(RawClient.status(c.readResponse(T))).as("still serving").isEqualTo(200);
      afterResponseWritten();
      clock.advance(TIMEOUT);
      assertThat(server.sweepNow().timedOut()).isEqualTo(1);
      assertThat(c.awaitEof(T)).isTrue();
      assertThat(c.drain(Duration.ZERO)).as("no response to an idle connection").isEmpty();
    }
  }

  @Test
  void connectionSendingRequestsStaysOpen() throws Exception {
    start(TIMEOUT, clock);
    try (RawClient c = RawClient.open(server.port())) {
      for (int i = 0; i < 6; i++) { // three timeouts in all, but never one without a request
        c.write(RawClient.request("GET", "/"));
        assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
        afterResponseWritten();
        clock.advance(TIMEOUT.dividedBy(2));
        assertThat(server.sweepNow().timedOut()).as("sweep %d", i).isZero();
      }
      c.write(RawClient.request("GET", "/"));
      assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
    }
  }

  @Test
  void eventStreamsAreExempt() throws Exception {
    start(TIMEOUT, clock);
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      assertThat(RawClient.status(c.readHead(T))).isEqualTo(200);
      SseStream stream = opened.poll(T.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(stream).isNotNull();
      clock.advance(TIMEOUT.multipliedBy(10));
      assertThat(server.sweepNow().timedOut()).isZero();
      assertThat(stream.send("still here")).isTrue();
      assertThat(c.readUntil("data: still here\n\n", T)).isEqualTo("12\r\ndata: still here\n\n");
    }
  }

  @Test
  void slowHandlerIsNotCut() throws Exception {
    start(TIMEOUT, clock);
    try (RawClient c = RawClient.get(server.port(), "/slow")) {
      assertThat(slowEntered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      clock.advance(TIMEOUT.multipliedBy(10));
      assertThat(server.sweepNow().timedOut()).isZero();
      slowRelease.countDown();
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).isEqualTo(200);
      assertThat(response).endsWith("slow");
    }
  }

  @Test
  void zeroDisablesTheTimeout() throws Exception {
    start(Duration.ZERO, clock);
    try (RawClient c = RawClient.open(server.port())) {
      c.write(HALF_REQUEST);
      clock.advance(HeraldServer.MAX_INTERVAL);
      assertThat(server.sweepNow().timedOut()).isZero();
      c.write("\r\n");
      assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
    }
  }

  @Test
  void negativeTimeoutIsRejected() {
    assertThatThrownBy(() -> HeraldServer.builder().requestTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
  }

  @Test
  void manySlowlorisSocketsAreAllClosed() throws Exception {
    start(TIMEOUT, clock);
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        RawClient c = RawClient.open(server.port());
        clients.add(c);
        c.write(HALF_REQUEST);
      }
      awaitPartialRequests(200);
      clock.advance(TIMEOUT);
      assertThat(server.sweepNow().timedOut()).isEqualTo(200);
      for (RawClient c : clients) {
        assertThat(RawClient.status(c.readResponse(T))).isEqualTo(408);
        assertThat(c.awaitEof(T)).isTrue();
      }
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
    try (RawClient c = RawClient.get(server.port(), "/")) {
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).isEqualTo(200);
      assertThat(response).endsWith("hi");
    }
  }

  @Test
  void scheduledSweepsRunOnTheRealClock() throws Exception {
    start(Duration.ofMillis(50), Ticker.SYSTEM);
    try (RawClient c = RawClient.get(server.port(), "/")) {
      assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
      assertThat(c.awaitEof(T)).as("the idle connection is closed").isTrue();
    }
  }
}
