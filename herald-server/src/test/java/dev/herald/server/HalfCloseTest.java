package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that half-closes (shuts down its sending side after the request, as {@code nc -q}
 * does) still reads the answers to the complete requests it sent, in order, then EOF; a request
 * cut short by the EOF is dropped; an event stream ends as a disconnect. A {@link FakeTicker}
 * keeps request timeouts from firing by themselves, so an EOF seen here is the server's own.
 */
class HalfCloseTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final FakeTicker clock = new FakeTicker();
  private final BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
  private final CountDownLatch slowArrived = new CountDownLatch(1);
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private HeraldServer server;

  @BeforeEach
  void start() {
    Routing routing = Routing.builder()
        .get("/ping", req -> Response.text("pong"))
        .routeAsync(Method.GET, "/slow", req -> {
          slowArrived.countDown();
          return release.thenApply(x -> Response.text("slow"));
        })
        .post("/upload", req -> Response.text("got " + req.body().length))
        .sse("/events", (req, stream) -> opened.add(stream))
        .build();
    server = HeraldServer.builder().port(0).routing(routing).requestTimeout(Duration.ofSeconds(30))
        .heartbeatInterval(Duration.ZERO).ticker(clock).build().start();
  }

  @AfterEach
  void stop() {
    release.complete(null);
    server.close();
  }

  private static String get(String path) {
    return RawClient.request("GET", path);
  }

  /** The client half-closes, and (where the transport reports it at once) the server has seen it. */
  private void halfClose(RawClient c) throws Exception {
    c.socket.shutdownOutput();
    if (Epoll.isAvailable()) { // NIO reads (and sees the EOF) only once the answer is out
      await().atMost(T).until(() -> server.halfClosed() == 1);
    }
  }

  /**
   * Sends {@code /slow} and then {@code more} (pipelined), half-closes while the slow handler
   * runs, lets it finish and reads its answer.
   */
  private void behindASlowAnswerThenHalfClose(RawClient c, String more) throws Exception {
    c.write(get("/slow") + more);
    assertThat(slowArrived.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    halfClose(c);
    release.complete(null);
    assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("slow");
  }

  /** The server closed the connection and sent nothing more. */
  private static void endsWithEof(RawClient c) throws Exception {
    assertThat(c.awaitEof(T)).as("the server closes the connection").isTrue();
    assertThat(c.drain(Duration.ZERO)).as("nothing after the answers").isEmpty();
  }

  private void serverStaysUp() throws Exception {
    await().atMost(T).until(() -> server.halfClosed() == 0 && server.partialRequests() == 0 && server.lingering() == 0);
    try (RawClient c = RawClient.get(server.port(), "/ping")) {
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("pong");
    }
  }

  @Test
  void getIsAnsweredAfterTheClientHalfCloses() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(get("/ping"));
      c.socket.shutdownOutput();
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("pong");
      endsWithEof(c);
    }
    serverStaysUp();
  }

  @Test
  void slowAsyncAnswerCompletingAfterTheHalfCloseIsWritten() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      behindASlowAnswerThenHalfClose(c, "");
      endsWithEof(c);
    }
    serverStaysUp();
  }

  @Test
  void pipelinedRequestsBeforeTheHalfCloseAreAnsweredInOrder() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      behindASlowAnswerThenHalfClose(c, get("/ping"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("pong");
      endsWithEof(c);
    }
    serverStaysUp();
  }

  @Test
  void eventStreamWhoseClientHalfClosesEndsAsADisconnect() throws Exception {
    Recorder<CloseReason> reasons = new Recorder<>();
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      assertThat(c.readHead(T)).startsWith("HTTP/1.1 200");
      SseStream stream = opened.poll(T.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(stream).as("stream opened").isNotNull();
      stream.onClose(reasons);
      c.socket.shutdownOutput();
      assertThat(reasons.next(T)).isEqualTo(CloseReason.CLIENT_DISCONNECT);
      assertThat(stream.isOpen()).isFalse();
      assertThat(c.awaitEof(T)).isTrue();
    }
    serverStaysUp();
  }

  @Test
  void streamRequestedBehindAnAnswerIsNotStartedOnceTheClientHalfClosed() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      behindASlowAnswerThenHalfClose(c, get("/events"));
      endsWithEof(c);
    }
    serverStaysUp();
  }

  /** Requests cut short by the EOF, each alone or behind a complete one. */
  @ParameterizedTest(name = "{index}")
  @ValueSource(strings = {
      "GET /pi",
      "GET /ping HTTP/1.1\r\nHost: x\r\n",
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"})
  void requestCutShortByTheEofIsDropped(String partial) throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(partial);
      c.socket.shutdownOutput();
      endsWithEof(c);
    }
    try (RawClient c = RawClient.open(server.port())) {
      c.write(get("/ping") + partial);
      c.socket.shutdownOutput();
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("pong");
      endsWithEof(c);
    }
    serverStaysUp();
  }

  @Test
  void errorAnswerBeforeTheEofIsReadThenTheConnectionCloses() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n");
      c.socket.shutdownOutput();
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).as(response).isEqualTo(400);
      assertThat(response).containsIgnoringCase("connection: close").contains("{\"status\":400,");
      endsWithEof(c); // no lingering until a timeout that this clock never reaches
    }
    serverStaysUp();
  }

  @Test
  void errorQueuedBehindASlowAnswerIsWrittenThenTheConnectionCloses() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      behindASlowAnswerThenHalfClose(c, "GET /nope HTTP/9.9\r\nHost: x\r\n\r\n");
      String error = c.readResponse(T);
      assertThat(RawClient.status(error)).as(error).isEqualTo(505);
      endsWithEof(c);
    }
    serverStaysUp();
  }
}
