package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redirects and extra headers on {@link HttpException}: construction rules, then over a real socket. */
class HttpExceptionTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static HeraldServer server;

  @BeforeAll
  static void start() {
    Routing routing = Routing.builder()
        .get("/old", req -> {
          throw HttpException.redirect(302, URI.create("/new?x=1"));
        })
        .get("/moved", req -> {
          throw HttpException.redirect(308, URI.create("https://example.com/caf%C3%A9"));
        })
        .get("/private", req -> {
          throw new HttpException(401, "log in first").withHeader("WWW-Authenticate", "Bearer realm=\"herald\"");
        })
        .sse("/stream", (req, stream) -> {
          throw HttpException.redirect(307, URI.create("/elsewhere"));
        })
        .build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String get(String path) throws Exception {
    try (RawClient c = RawClient.get(server.port(), path)) {
      return c.readResponse(T);
    }
  }

  @Test
  void aRedirectSendsItsLocation() throws Exception {
    String res = get("/old");
    assertThat(RawClient.status(res)).isEqualTo(302);
    assertThat(res).contains("\r\nLocation: /new?x=1\r\n").contains("\"message\":\"Redirect to /new?x=1\"");
    String moved = get("/moved");
    assertThat(RawClient.status(moved)).isEqualTo(308);
    assertThat(moved).contains("\r\nLocation: https://example.com/caf%C3%A9\r\n");
  }

  @Test
  void anSseRouteCanRedirectBeforeItStarts() throws Exception {
    String res = get("/stream");
    assertThat(RawClient.status(res)).isEqualTo(307);
    assertThat(res).contains("\r\nLocation: /elsewhere\r\n");
  }

  @Test
  void extraHeadersReachTheClient() throws Exception {
    String res = get("/private");
    assertThat(RawClient.status(res)).isEqualTo(401);
    assertThat(res).contains("\r\nWWW-Authenticate: Bearer realm=\"herald\"\r\n").contains("log in first");
  }

  @Test
  void aRedirectStatusWithoutALocationIsRefused() {
    for (int status : new int[] {301, 302, 303, 307, 308}) {
      assertThatThrownBy(() -> new HttpException(status, "go"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a " + status + " redirect needs a Location: use HttpException.redirect(" + status + ", location)");
    }
    assertThatThrownBy(() -> new HttpException(302, "go", new RuntimeException()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new HttpException(304, "not modified").status()).isEqualTo(304);
    assertThatThrownBy(() -> HttpException.redirect(200, URI.create("/x")))
        .hasMessage("redirect status must be 301, 302, 303, 307 or 308: 200");
    assertThatThrownBy(() -> HttpException.redirect(302, URI.create("")))
        .hasMessage("redirect location must not be empty");
    assertThatThrownBy(() -> HttpException.redirect(302, URI.create("/x")).withHeader("location", ""))
        .hasMessage("a 302 redirect needs a non-empty Location");
  }

  @Test
  void withHeaderCopiesAndValidates() {
    HttpException base = new HttpException(429, "slow down", new IllegalStateException("why"));
    HttpException more = base.withHeader("Retry-After", "1").withHeader("retry-after", "5").withHeader("X-A", "b");
    assertThat(base.headers()).isEmpty();
    assertThat(more.headers()).containsExactly(java.util.Map.entry("retry-after", "5"), java.util.Map.entry("X-A", "b"));
    assertThat(more.status()).isEqualTo(429);
    assertThat(more).hasMessage("slow down").hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> more.headers().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> base.withHeader("X", "a\r\nb")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withHeader("X Y", "a")).hasMessage("invalid header name: 'X Y'");
    assertThatThrownBy(() -> base.withHeader("Content-Length", "3"))
        .hasMessage("Content-Length is set by the server on error answers; it cannot be added");
    assertThatThrownBy(() -> base.withHeader(null, "a")).isInstanceOf(NullPointerException.class);
  }
}
