package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.SseEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Event streams over raw sockets: headers, events, close reasons, errors, Last-Event-ID. */
class SseStreamTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
  private HeraldServer server;

  @BeforeEach
  void start() {
    Routing routing = Routing.builder()
        .sse("/events", (req, stream) -> opened.add(stream))
        .sse("/hello", (req, stream) -> {
          stream.send("hello");
          stream.send("greeting", "hi\nthere");
          stream.send(SseEvent.builder().id("7").data("seven").build());
          stream.comment("note");
          stream.retry(Duration.ofMillis(1500));
        })
        .sse("/topics/{topic}", (req, stream) -> {
          if (req.pathParam("topic").orElseThrow().contains("!")) {
            throw new HttpException(400, "bad topic");
          }
          stream.send("topic " + req.pathParam("topic").orElseThrow());
        })
        .sse("/crash", (req, stream) -> {
          throw new IllegalStateException("internal detail");
        })
        .sse("/crash-later", (req, stream) -> {
          opened.add(stream);
          stream.send("first");
          throw new IllegalStateException("after the first write");
        })
        .sse(Method.POST, "/chat", (req, stream) -> {
          for (String word : req.bodyText().split(" ")) {
            stream.send("token", word);
          }
          stream.close();
        })
        .get("/ping", req -> Response.text("pong"))
        .build();
    // one worker: close callbacks and handlers run in the order they were handed to it, so a
    // request answered after a close proves every callback that close queued has run
    server = HeraldServer.builder().port(0).routing(routing).heartbeatInterval(Duration.ZERO).workerThreads(1)
        .build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private SseStream nextStream() throws InterruptedException {
    SseStream s = opened.poll(T.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(s).as("stream opened").isNotNull();
    return s;
  }

  /** Returns once the single worker has run everything handed to it before this call. */
  private void workerCaughtUp() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/ping")) {
      assertThat(c.readResponse(T)).endsWith("pong");
    }
  }

  @Test
  void headersArriveBeforeTheFirstEvent() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      SseStream stream = nextStream();
      String head = c.readHead(T); // nothing was sent yet: the head comes when the handler returns
      assertThat(head).startsWith("HTTP/1.1 200 OK\r\n");
      String lower = head.toLowerCase();
      assertThat(lower).contains("content-type: text/event-stream; charset=utf-8\r\n")
          .contains("cache-control: no-cache\r\n")
          .contains("x-accel-buffering: no\r\n")
          .contains("connection: close\r\n")
          .doesNotContain("keep-alive")
          .contains("transfer-encoding: chunked\r\n")
          .doesNotContain("content-encoding");
      stream.send("late");
      assertThat(c.readUntil("data: late\n\n", T)).isEqualTo("c\r\ndata: late\n\n");
    }
  }

  @Test
  void eventsAreEncodedOnTheWire() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/hello")) {
      c.readHead(T);
      c.readUntil("data: hello\n\n", T);
      c.readUntil("event: greeting\ndata: hi\ndata: there\n\n", T);
      c.readUntil("id: 7\ndata: seven\n\n", T);
      c.readUntil(":note\n\n", T);
      c.readUntil("retry: 1500\n\n", T);
    }
  }

  /**
   * The server closes a stream's connection after its last chunk, so the head says
   * {@code Connection: close}: a client that read the whole chunked body must not put the
   * connection back in its pool and send its next request (a POST it does not retry) on a socket
   * being closed. It said {@code keep-alive}, and a hub test's publish failed that way once.
   */
  @Test
  void aStreamTheServerEndsSaysConnectionCloseSoNoClientReusesItsConnection() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      SseStream stream = nextStream();
      String head = c.readHead(T).toLowerCase();
      assertThat(head).contains("connection: close\r\n").doesNotContain("keep-alive");
      stream.close();
      assertThat(c.readUntil("0\r\n\r\n", T)).as("the chunked body ends").endsWith("0\r\n\r\n");
      assertThat(c.awaitEof(T)).as("then the connection closes, as the head said").isTrue();
    }
  }

  @Test
  void clientDisconnectIsNoticedAtOnceAndReportedOnce() throws Exception {
    Recorder<CloseReason> reasons = new Recorder<>();
    SseStream stream;
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      c.readHead(T);
      stream = nextStream();
      stream.onClose(reasons);
      assertThat(stream.isOpen()).isTrue();
    }
    assertThat(reasons.next(T)).isEqualTo(CloseReason.CLIENT_DISCONNECT);
    assertThat(stream.isOpen()).isFalse();
    assertThat(stream.send("after")).isFalse();
    stream.close();
    workerCaughtUp();
    reasons.assertNoMore();
    Recorder<CloseReason> late = new Recorder<>();
    stream.onClose(late);
    reasons.assertNoMore();
    late.assertNext(CloseReason.CLIENT_DISCONNECT); // at once, on this thread
  }

  @Test
  void onCloseRightAfterCloseRunsAtOnceOnTheCallingThread() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      c.readHead(T);
      NettySseStream stream = (NettySseStream) nextStream();
      // hold the stream's event loop, so the close cannot reach the connection meanwhile
      java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
      stream.loop().execute(() -> {
        holding.countDown();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(holding.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      try {
        stream.close();
        stream.onClose(why -> {
          ran.add(why + " on " + Thread.currentThread().getName());
          done.countDown();
        });
        assertThat(done.getCount()).as("ran before onClose returned").isZero();
        assertThat(ran).containsExactly("SERVER_CLOSE on " + Thread.currentThread().getName());
      } finally {
        gate.countDown();
      }
      assertThat(c.awaitEof(T)).isTrue();
      workerCaughtUp(); // every callback the close handed to the worker has run: still once
      assertThat(ran).hasSize(1);
    }
  }

  @Test
  void serverCloseEndsTheStream() throws Exception {
    Recorder<CloseReason> reasons = new Recorder<>();
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      c.readHead(T);
      SseStream stream = nextStream();
      stream.onClose(reasons);
      stream.onClose(reasons);
      assertThat(stream.send("one")).isTrue();
      stream.close();
      assertThat(stream.send("two")).isFalse();
      assertThat(stream.comment("x")).isFalse();
      assertThat(c.readUntil("0\r\n\r\n", T)).contains("data: one\n\n").doesNotContain("two");
      assertThat(c.awaitEof(T)).isTrue();
      assertThat(reasons.next(T)).isEqualTo(CloseReason.SERVER_CLOSE);
      assertThat(reasons.next(T)).isEqualTo(CloseReason.SERVER_CLOSE);
      workerCaughtUp();
      reasons.assertNoMore();
    }
  }

  @Test
  void stopClosesStreamsWithShutdown() throws Exception {
    Recorder<CloseReason> reasons = new Recorder<>();
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      c.readHead(T);
      SseStream stream = nextStream();
      stream.onClose(reasons);
      server.close();
      // stop() returns once the worker pool has ended, so every callback has run by now
      assertThat(reasons.next(T)).isEqualTo(CloseReason.SHUTDOWN);
      assertThat(c.awaitEof(T)).isTrue();
      assertThat(stream.send("x")).isFalse();
      reasons.assertNoMore();
    }
  }

  @Test
  void sendFromManyThreadsArrivesComplete() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      c.readHead(T);
      SseStream stream = nextStream();
      AtomicInteger accepted = new AtomicInteger();
      Thread[] threads = new Thread[4];
      for (int t = 0; t < threads.length; t++) {
        int id = t;
        threads[t] = new Thread(() -> {
          for (int i = 0; i < 250; i++) {
            if (stream.send("t" + id + "-" + i)) {
              accepted.incrementAndGet();
            }
          }
        });
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(accepted.get()).isEqualTo(1000);
      stream.close();
      String all = c.readUntil("0\r\n\r\n", T);
      for (int t = 0; t < threads.length; t++) {
        int last = -1;
        for (int i = 0; i < 250; i++) {
          int at = all.indexOf("data: t" + t + "-" + i + "\n\n");
          assertThat(at).as("event t%d-%d in order", t, i).isGreaterThan(last);
          last = at;
        }
      }
    }
  }

  @Test
  void lastEventIdFromHeaderOrQuery() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/events", "Last-Event-ID: 41")) {
      c.readHead(T);
      assertThat(nextStream().lastEventId()).hasValue("41");
    }
    try (RawClient c = RawClient.get(server.port(), "/events?lastEventId=abc")) {
      c.readHead(T);
      assertThat(nextStream().lastEventId()).hasValue("abc");
    }
    try (RawClient c = RawClient.get(server.port(), "/events?lastEventId=q", "Last-Event-ID: h")) {
      c.readHead(T);
      assertThat(nextStream().lastEventId()).hasValue("h");
    }
    try (RawClient c = RawClient.get(server.port(), "/events?lastEventId=", "Last-Event-ID: ")) {
      c.readHead(T);
      SseStream s = nextStream();
      assertThat(s.lastEventId()).isEmpty();
      assertThat(s.request().path()).isEqualTo("/events");
    }
  }

  @Test
  void httpExceptionBeforeTheFirstWriteIsAnErrorResponse() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/topics/bad!")) {
      String res = c.readResponse(T);
      assertThat(RawClient.status(res)).isEqualTo(400);
      assertThat(res).contains("application/json").endsWith("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"bad topic\"}");
    }
    try (RawClient c = RawClient.get(server.port(), "/topics/good")) {
      c.readHead(T);
      c.readUntil("data: topic good\n\n", T);
    }
  }

  @Test
  void otherExceptionBeforeTheFirstWriteIs500() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/crash")) {
      String res = c.readResponse(T);
      assertThat(RawClient.status(res)).isEqualTo(500);
      assertThat(res).doesNotContain("internal detail").doesNotContain("at dev.herald");
    }
  }

  @Test
  void exceptionAfterTheFirstWriteClosesWithError() throws Exception {
    Recorder<CloseReason> reasons = new Recorder<>();
    try (RawClient c = RawClient.get(server.port(), "/crash-later")) {
      c.readHead(T);
      nextStream().onClose(reasons);
      c.readUntil("data: first\n\n", T);
      assertThat(reasons.next(T)).isEqualTo(CloseReason.ERROR);
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void postStreamsLikeAnLlmApi() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /chat HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world");
      assertThat(c.readHead(T)).startsWith("HTTP/1.1 200");
      c.readUntil("event: token\ndata: hello\n\n", T);
      c.readUntil("event: token\ndata: world\n\n", T);
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void http10StreamIsCloseDelimited() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET /hello HTTP/1.0\r\n\r\n");
      String head = c.readHead(T).toLowerCase();
      assertThat(head).doesNotContain("transfer-encoding").contains("connection: close");
      assertThat(c.readUntil("data: hello\n\n", T)).isEqualTo("data: hello\n\n");
    }
  }

  @Test
  void closeBeforeAnyWriteStillSendsHeaders() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      SseStream s = nextStream();
      s.close();
      assertThat(c.readHead(T)).startsWith("HTTP/1.1 200");
      await().atMost(T).until(() -> c.awaitEof(Duration.ofMillis(100)));
    }
  }

  @Test
  void bytesAfterTheStreamRequestAreIgnored() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(RawClient.request("GET", "/events") + RawClient.request("GET", "/hello") + "garbage\r\n\r\n");
      assertThat(c.readHead(T)).startsWith("HTTP/1.1 200");
      SseStream s = nextStream();
      c.write("more garbage that is never parsed\r\n\r\n".repeat(100));
      assertThat(s.send("still open")).isTrue();
      String text = c.readUntil("data: still open\n\n", T);
      assertThat(text).doesNotContain("HTTP/1.1");
      assertThat(s.isOpen()).isTrue();
    }
  }
}
