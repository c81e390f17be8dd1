package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HeraldServer.Builder#maxHeaderBytes(int)} and {@link HeraldServer.Builder#onRefused} over raw sockets. */
class HeaderLimitTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final List<Integer> refused = new CopyOnWriteArrayList<>();
  private HeraldServer server;

  private int start(HeraldServer.Builder builder) {
    Routing routing = Routing.builder()
        .filter(Filter.after((req, res) -> res.set("X-Filtered", "yes")))
        .get("/hello", req -> Response.text("hello"))
        .build();
    server = builder.port(0).routing(routing).onRefused(refused::add).build().start();
    return server.port();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A GET whose one extra header makes the header fields about {@code bytes} long. */
  private static String getWithHeaders(int bytes) {
    // "Host: localhost\r\n" (17) + "X-Pad: " (7) + pad + "\r\n" (2)
    return RawClient.request("GET", "/hello", "X-Pad: " + "p".repeat(bytes - 26));
  }

  private static String answer(int port, String request) throws Exception {
    try (RawClient c = RawClient.open(port)) {
      c.write(request);
      return c.readResponse(T);
    }
  }

  @Test
  void headersOverTheLimitAre431WithAJsonMessageNamingIt() throws Exception {
    int port = start(HeraldServer.builder().maxHeaderBytes(2048));
    try (RawClient c = RawClient.open(port)) {
      c.write(getWithHeaders(3000));
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).as(response).isEqualTo(431);
      assertThat(response).containsIgnoringCase("content-type: application/json").doesNotContainIgnoringCase("x-filtered")
          .endsWith("{\"status\":431,\"error\":\"Request Header Fields Too Large\",\"message\":"
              + "\"Request header fields too large: together they may have at most 2048 bytes\"}");
      assertThat(c.awaitEof(T)).as("the connection is closed after a 431").isTrue();
    }
    assertThat(refused).containsExactly(431);
    String ok = answer(port, getWithHeaders(1900));
    assertThat(RawClient.status(ok)).as(ok).isEqualTo(200);
    assertThat(ok).containsIgnoringCase("x-filtered: yes").endsWith("hello");
    assertThat(refused).containsExactly(431);
  }

  @Test
  void theDefaultIs16KiB() throws Exception {
    assertThat(HeraldServer.DEFAULT_MAX_HEADER_BYTES).isEqualTo(16 * 1024);
    int port = start(HeraldServer.builder());
    assertThat(RawClient.status(answer(port, getWithHeaders(16 * 1024 - 200)))).isEqualTo(200);
    String big = answer(port, getWithHeaders(16 * 1024 + 200));
    assertThat(RawClient.status(big)).as(big).isEqualTo(431);
    assertThat(big).contains("at most 16384 bytes");
    assertThat(RawClient.status(answer(port, getWithHeaders(1000)))).as("the server is still up").isEqualTo(200);
  }

  @Test
  void onRefusedHearsOtherRefusalsTooButNotRoutedAnswers() throws Exception {
    int port = start(HeraldServer.builder());
    assertThat(RawClient.status(answer(port, "GET /hello HTTP/1.1\r\n\r\n"))).isEqualTo(400); // no Host
    assertThat(RawClient.status(answer(port, RawClient.request("GET", "/missing")))).isEqualTo(404);
    assertThat(RawClient.status(answer(port, RawClient.request("GET", "/hello")))).isEqualTo(200);
    assertThat(refused).containsExactly(400);
  }

  @Test
  void onRefusedHearsAMalformedPathAndQuery() throws Exception {
    int port = start(HeraldServer.builder());
    String path = answer(port, RawClient.request("GET", "/hello/%zz"));
    assertThat(RawClient.status(path)).as(path).isEqualTo(400);
    assertThat(path).contains("Malformed path").doesNotContainIgnoringCase("x-filtered");
    assertThat(RawClient.status(answer(port, RawClient.request("GET", "/hello?a=%zz")))).isEqualTo(400);
    assertThat(refused).containsExactly(400, 400);
  }

  @Test
  void tooSmallALimitIsRefused() {
    assertThatThrownBy(() -> HeraldServer.builder().maxHeaderBytes(1023))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1024");
  }
}
