package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Plain connections that wait too long for a request are closed; event streams and busy handlers are not. */
class RequestTimeoutTest {
  private static final Duration T = Duration.ofSeconds(5);
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final String HALF_REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n";

  private final BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();

  private HeraldServer server(Duration timeout) {
    Routing routing = Routing.builder()
        .get("/", req -> Response.text("hi"))
        .get("/slow", req -> {
          Thread.sleep(800);
          return Response.text("slow");
        })
        .sse("/events", (req, stream) -> opened.add(stream))
        .build();
    return HeraldServer.builder().port(0).routing(routing).requestTimeout(timeout)
        .heartbeatInterval(Duration.ZERO).build().start();
  }

  @Test
  void halfSentRequestGets408ThenEof() throws Exception {
    try (HeraldServer server = server(TIMEOUT); RawClient c = RawClient.open(server.port())) {
      c.write(HALF_REQUEST);
      String response = c.readResponse(Duration.ofSeconds(2));
      assertThat(RawClient.status(response)).isEqualTo(408);
      assertThat(response).containsIgnoringCase("connection: close")
          .contains("{\"status\":408,\"error\":\"Request Timeout\",\"message\":\"");
      assertThat(c.awaitEof(Duration.ofSeconds(2))).isTrue();
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedWithoutResponse() throws Exception {
    try (HeraldServer server = server(TIMEOUT); RawClient c = RawClient.get(server.port(), "/")) {
      assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
      long start = System.nanoTime();
      assertThat(c.awaitEof(Duration.ofSeconds(2))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
      assertThat(c.drain(Duration.ZERO)).isEmpty();
    }
  }

  @Test
  void connectionSendingRequestsStaysOpen() throws Exception {
    try (HeraldServer server = server(TIMEOUT); RawClient c = RawClient.open(server.port())) {
      long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      int answered = 0;
      while (System.nanoTime() < end) {
        c.write(RawClient.request("GET", "/"));
        assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
        answered++;
        Thread.sleep(100);
      }
      c.write(RawClient.request("GET", "/"));
      assertThat(RawClient.status(c.readResponse(T))).isEqualTo(200);
      assertThat(answered).isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void eventStreamsAreExempt() throws Exception {
    try (HeraldServer server = server(TIMEOUT); RawClient c = RawClient.get(server.port(), "/events")) {
      assertThat(RawClient.status(c.readHead(T))).isEqualTo(200);
      SseStream stream = opened.poll(5, TimeUnit.SECONDS);
      assertThat(stream).isNotNull();
      assertThat(c.drain(Duration.ofMillis(1500))).isEmpty();
      stream.send("still here");
      assertThat(c.readUntil("data: still here\n\n", T)).isNotEmpty();
    }
  }

  @Test
  void slowHandlerIsNotCut() throws Exception {
    try (HeraldServer server = server(TIMEOUT); RawClient c = RawClient.get(server.port(), "/slow")) {
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).isEqualTo(200);
      assertThat(response).endsWith("slow");
    }
  }

  @Test
  void zeroDisablesTheTimeout() throws Exception {
    try (HeraldServer server = server(Duration.ZERO); RawClient c = RawClient.open(server.port())) {
      c.write(HALF_REQUEST);
      assertThat(c.drain(Duration.ofSeconds(1))).isEmpty();
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
    try (HeraldServer server = server(TIMEOUT)) {
      List<RawClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 200; i++) {
          RawClient c = RawClient.open(server.port());
          clients.add(c);
          c.write(HALF_REQUEST);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int closed = 0;
        for (RawClient c : clients) {
          if (c.awaitEof(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            closed++;
          }
        }
        assertThat(closed).isEqualTo(200);
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
  }
}
