package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Extra response headers on SSE routes ({@link SseStream#header}), over raw sockets. */
class SseHeadersTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final Recorder<Object> thrown = new Recorder<>();
  private final BlockingQueue<SseStream> returned = new LinkedBlockingQueue<>();
  private HeraldServer server;

  @BeforeEach
  void start() {
    Routing routing = Routing.builder()
        .sse("/custom", (req, stream) -> {
          stream.header("Cache-Control", "no-store").header("X-Auth-Scope", "read:events")
              .header("X-Multi", "a").header("X-Multi", "b");
          stream.send("one");
        })
        .sse("/mandatory", (req, stream) -> {
          for (String name : new String[] {"Content-Type", "content-length", "Connection", "Transfer-Encoding"}) {
            try {
              stream.header(name, "text/plain");
              thrown.accept("accepted " + name);
            } catch (IllegalArgumentException e) {
              thrown.accept(e);
            }
          }
          stream.send("still an event stream");
        })
        .sse("/late", (req, stream) -> {
          stream.send("first");
          try {
            stream.header("X-Late", "1");
            thrown.accept("accepted X-Late");
          } catch (IllegalStateException e) {
            thrown.accept(e);
          }
          stream.send("second");
        })
        .sse("/returns", (req, stream) -> {
          stream.header("X-Before-Return", "yes");
          returned.add(stream);
        })
        .sse("/hostile", (req, stream) -> {
          try {
            stream.header("X-Evil", "ok\r\nSet-Cookie: pwned=1");
          } catch (IllegalArgumentException e) {
            thrown.accept(e);
            throw e;
          }
        })
        .sse("/hostile-name", (req, stream) -> {
          try {
            stream.header("X-Evil\r\nSet-Cookie", "pwned=1");
          } catch (IllegalArgumentException e) {
            thrown.accept(e);
            throw e;
          }
        })
        .build();
    server = HeraldServer.builder().port(0).routing(routing).heartbeatInterval(Duration.ZERO).build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private static long lines(String head, String prefix) {
    return Arrays.stream(head.split("\r\n")).filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix)).count();
  }

  @Test
  void handlerHeadersArriveAndReplaceTheCacheDefault() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/custom")) {
      String head = c.readHead(T).toLowerCase(Locale.ROOT);
      assertThat(head).startsWith("http/1.1 200")
          .contains("content-type: text/event-stream; charset=utf-8\r\n")
          .contains("cache-control: no-store\r\n")
          .doesNotContain("no-cache")
          .contains("x-accel-buffering: no\r\n")
          .contains("x-auth-scope: read:events\r\n")
          .contains("x-multi: a\r\n").contains("x-multi: b\r\n");
      assertThat(lines(head, "cache-control:")).isEqualTo(1);
      assertThat(c.readUntil("data: one\n\n", T)).isNotEmpty();
    }
  }

  @Test
  void mandatoryHeadersCannotBeOverridden() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/mandatory")) {
      String head = c.readHead(T).toLowerCase(Locale.ROOT);
      assertThat(head).contains("content-type: text/event-stream; charset=utf-8\r\n")
          .contains("transfer-encoding: chunked\r\n").doesNotContain("text/plain");
      assertThat(lines(head, "content-type:")).isEqualTo(1);
      assertThat(c.readUntil("data: still an event stream\n\n", T)).isNotEmpty();
    }
    assertThat(thrown.next(T)).asString().contains("Content-Type is set by the server on event streams")
        .contains("text/event-stream");
    assertThat(thrown.next(T)).asString().contains("content-length is set by the server");
    assertThat(thrown.next(T)).asString().contains("Connection is set by the server");
    assertThat(thrown.next(T)).asString().contains("Transfer-Encoding is set by the server");
  }

  @Test
  void settingAHeaderAfterTheFirstSendThrows() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/late")) {
      assertThat(c.readHead(T).toLowerCase(Locale.ROOT)).doesNotContain("x-late");
      assertThat(c.readUntil("data: second\n\n", T)).contains("data: first\n\n");
    }
    Object e = thrown.next(T);
    assertThat(e).isInstanceOf(IllegalStateException.class);
    assertThat(((Exception) e).getMessage()).contains("header X-Late set too late")
        .contains("already fixed").contains("before the first event");
  }

  @Test
  void settingAHeaderAfterTheHandlerReturnedThrows() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/returns")) {
      SseStream stream = returned.poll(T.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(stream).isNotNull();
      assertThat(c.readHead(T).toLowerCase(Locale.ROOT)).contains("x-before-return: yes\r\n");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stream.header("X-After", "1"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("header X-After set too late");
      assertThat(stream.send("after")).isTrue(); // the stream itself is unaffected
      assertThat(c.readUntil("data: after\n\n", T)).isNotEmpty();
    }
  }

  @Test
  void aValueWithCrLfIsRefusedAndNothingIsInjected() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/hostile")) {
      String answer = c.readResponse(T);
      assertThat(answer).startsWith("HTTP/1.1 500").doesNotContainIgnoringCase("set-cookie").doesNotContain("pwned");
    }
    Object e = thrown.next(T);
    assertThat(e).isInstanceOf(IllegalArgumentException.class);
    assertThat(((Exception) e).getMessage()).isEqualTo("value of header X-Evil must not contain CR, LF or NUL (found CR at index 2)");
  }

  @Test
  void aNameWithCrLfIsRefused() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/hostile-name")) {
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 500").doesNotContain("pwned");
    }
    Object e = thrown.next(T);
    assertThat(e).isInstanceOf(IllegalArgumentException.class);
    assertThat(((Exception) e).getMessage()).startsWith("invalid header name 'X-Evil\\r\\nSet-Cookie'");
  }
}
