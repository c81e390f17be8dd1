package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over raw sockets: a query whose percent-escapes are not UTF-8 is a 400 (not a value with
 * U+FFFD in it), and a handler's {@code Connection: close} closes the connection after the answer.
 */
class RequestDecodingTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static HeraldServer server;

  @BeforeAll
  static void start() {
    Routing routing = Routing.builder()
        .get("/echo", req -> Response.text(String.join("|", req.queryAll("q"))))
        .get("/bye", req -> Response.builder().status(503).header("Connection", "close")
            .body("{\"going\":true}".getBytes(StandardCharsets.UTF_8), "application/json").build())
        .build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String get(String target) throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
      return c.readResponse(T);
    }
  }

  @Test
  void percentEscapesThatAreNotUtf8Are400() throws Exception {
    for (String bad : new String[] {"%ff", "%C3", "a%C3%28", "%ED%A0%80", "%C0%AF", "%F4%90%80%80", "x&q=%e9t%e9"}) {
      assertThat(get("/echo?q=" + bad)).as(bad).startsWith("HTTP/1.1 400").contains("application/json")
          .contains("Malformed query string").contains("not valid UTF-8");
    }
  }

  @Test
  void validEscapesStillDecode() throws Exception {
    assertThat(get("/echo?q=%C3%A9&q=%F0%9F%98%80&q=%EF%BF%BD&q=a+b%2B")).startsWith("HTTP/1.1 200")
        .endsWith("\u00e9|\uD83D\uDE00|\uFFFD|a b+");
    assertThat(get("/echo?q=%zz")).as("a bad escape is still named").startsWith("HTTP/1.1 400").contains("%zz");
  }

  @Test
  void aHandlersConnectionCloseClosesTheConnection() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET /bye HTTP/1.1\r\nHost: x\r\n\r\n"); // a keep-alive request
      String answer = c.readResponse(T);
      assertThat(answer).startsWith("HTTP/1.1 503").endsWith("{\"going\":true}");
      assertThat(answer.toLowerCase()).contains("connection: close").doesNotContain("keep-alive");
      assertThat(c.awaitEof(T)).isTrue();
    }
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET /echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse(T).toLowerCase()).as("other answers keep the connection").contains("connection: keep-alive");
    }
  }
}
