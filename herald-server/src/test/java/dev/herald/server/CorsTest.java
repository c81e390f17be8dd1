package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Cors} over raw sockets: preflights, plain and SSE responses, refused origins, builder rules. */
class CorsTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final String APP = "http://app.example:8080";

  private HeraldServer server;

  private int start(Cors cors) {
    Routing routing = Routing.builder()
        .filter(cors)
        .get("/hello", req -> Response.text("hello"))
        .sse("/events", (req, stream) -> {
          stream.send("one");
          stream.send("two");
        })
        .build();
    server = HeraldServer.builder().port(0).routing(routing).heartbeatInterval(Duration.ZERO).build().start();
    return server.port();
  }

  private static Cors listed() {
    return Cors.builder().allowOrigins("HTTP://App.Example:8080", "https://other.example:443")
        .allowCredentials(true).allowHeaders("Last-Event-ID", "Content-Type").exposeHeaders("X-Request-Id")
        .maxAge(Duration.ofMinutes(10)).build();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static String preflight(String path, String origin, String method, String headers) {
    return RawClient.request("OPTIONS", path, "Origin: " + origin, "Access-Control-Request-Method: " + method,
        "Access-Control-Request-Headers: " + headers);
  }

  @Test
  void aPreflightFromAnAllowedOriginIs204WithTheAllowHeaders() throws Exception {
    try (RawClient c = RawClient.open(start(listed()))) {
      c.write(preflight("/events", APP, "GET", "last-event-id"));
      String answer = c.readResponse(T);
      String lower = answer.toLowerCase(Locale.ROOT);
      assertThat(answer).startsWith("HTTP/1.1 204");
      assertThat(lower).contains("access-control-allow-origin: " + APP + "\r\n")
          .contains("access-control-allow-credentials: true\r\n")
          .contains("access-control-allow-methods: get, post\r\n")
          .contains("access-control-allow-headers: last-event-id, content-type\r\n")
          .contains("access-control-max-age: 600\r\n")
          .contains("vary: origin\r\n")
          .doesNotContain("access-control-expose-headers")
          .as("a 204 has no Content-Length (RFC 9110)").doesNotContain("content-length");
      // the path is routed for GET only: without the filter this OPTIONS would be a 405; and the
      // connection stays usable
      c.write(RawClient.request("GET", "/hello", "Origin: https://other.example"));
      String hello = c.readResponse(T);
      assertThat(hello).startsWith("HTTP/1.1 200").endsWith("hello");
      assertThat(hello.toLowerCase(Locale.ROOT)).contains("access-control-allow-origin: https://other.example\r\n")
          .contains("access-control-expose-headers: x-request-id\r\n").contains("vary: origin\r\n");
    }
  }

  @Test
  void aPreflightFromAnotherOriginGetsNoAllowHeadersButA403SayingWhy() throws Exception {
    try (RawClient c = RawClient.open(start(listed()))) {
      c.write(preflight("/events", "http://evil.example", "GET", "last-event-id"));
      String answer = c.readResponse(T);
      assertThat(answer).startsWith("HTTP/1.1 403").contains("application/json")
          .endsWith("\"message\":\"CORS preflight refused: origin http://evil.example is not allowed\"}");
      assertThat(answer.toLowerCase(Locale.ROOT)).doesNotContain("access-control-allow");
    }
  }

  @Test
  void aPreflightForAMethodOrHeaderNotAllowedIsRefusedByName() throws Exception {
    try (RawClient c = RawClient.open(start(listed()))) {
      c.write(preflight("/hello", APP, "DELETE", "content-type"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 403").doesNotContainIgnoringCase("access-control-allow-methods")
          .endsWith("\"message\":\"CORS preflight refused: method DELETE is not allowed for cross-origin requests"
              + " (allowed: GET, POST)\"}");
      c.write(preflight("/hello", APP, "POST", "content-type, x-secret"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 403")
          .endsWith("\"message\":\"CORS preflight refused: request header x-secret is not allowed"
              + " (allowed: Last-Event-ID, Content-Type)\"}");
    }
  }

  @Test
  void anSseStreamFromAnAllowedOriginCarriesAllowOriginAndOtherOriginsGetNone() throws Exception {
    int port = start(listed());
    try (RawClient c = RawClient.get(port, "/events", "Origin: " + APP, "Accept: text/event-stream")) {
      String head = c.readHead(T).toLowerCase(Locale.ROOT);
      assertThat(head).startsWith("http/1.1 200").contains("content-type: text/event-stream")
          .contains("access-control-allow-origin: " + APP + "\r\n")
          .contains("access-control-allow-credentials: true\r\n").contains("vary: origin\r\n");
      assertThat(c.readUntil("data: two\n\n", T)).contains("data: one\n\n");
    }
    try (RawClient c = RawClient.get(port, "/events", "Origin: http://evil.example")) {
      String head = c.readHead(T).toLowerCase(Locale.ROOT);
      assertThat(head).startsWith("http/1.1 200").doesNotContain("access-control-").contains("vary: origin\r\n");
      assertThat(c.readUntil("data: two\n\n", T)).contains("data: one\n\n");
    }
  }

  @Test
  void errorAnswersToAnAllowedOriginCarryAllowOriginSoThePageCanReadThem() throws Exception {
    try (RawClient c = RawClient.get(start(listed()), "/missing", "Origin: " + APP)) {
      String answer = c.readResponse(T);
      assertThat(answer).startsWith("HTTP/1.1 404");
      assertThat(answer.toLowerCase(Locale.ROOT)).contains("access-control-allow-origin: " + APP + "\r\n");
    }
  }

  @Test
  void anyOriginAnswersWithAStarAndNoVaryOrCredentials() throws Exception {
    try (RawClient c = RawClient.open(start(Cors.builder().allowAnyOrigin().build()))) {
      c.write(preflight("/hello", "http://anyone.example", "POST", ""));
      String answer = c.readResponse(T).toLowerCase(Locale.ROOT);
      assertThat(answer).startsWith("http/1.1 204").contains("access-control-allow-origin: *\r\n")
          .doesNotContain("vary").doesNotContain("credentials").doesNotContain("access-control-allow-headers");
      c.write(RawClient.request("GET", "/hello", "Origin: http://anyone.example"));
      assertThat(c.readResponse(T).toLowerCase(Locale.ROOT)).contains("access-control-allow-origin: *\r\n");
      c.write(RawClient.request("GET", "/hello"));
      assertThat(c.readResponse(T).toLowerCase(Locale.ROOT)).as("no Origin, no CORS headers").doesNotContain("access-control");
      c.write(RawClient.request("OPTIONS", "/hello"));
      assertThat(c.readResponse(T)).as("not a preflight: the routes answer").startsWith("HTTP/1.1 405");
    }
  }

  @Test
  void theBuilderRefusesStarWithCredentialsAndMalformedOrigins() {
    assertThatThrownBy(() -> Cors.builder().allowAnyOrigin().allowCredentials(true).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be used with allowAnyOrigin()")
        .hasMessageContaining("list the allowed origins");
    assertThatThrownBy(() -> Cors.builder().build()).hasMessage("Cors needs allowOrigins(...) or allowAnyOrigin()");
    assertThatThrownBy(() -> Cors.builder().allowOrigins("https://app.example/"))
        .hasMessageStartingWith("invalid origin 'https://app.example/': an origin is scheme://host");
    assertThatThrownBy(() -> Cors.builder().allowOrigins("*")).hasMessageContaining("use allowAnyOrigin()");
    assertThatThrownBy(() -> Cors.builder().allowOrigins("app.example")).hasMessageStartingWith("invalid origin 'app.example'");
    assertThatThrownBy(() -> Cors.builder().allowHeaders("Bad Header")).hasMessageStartingWith("invalid header name 'Bad Header'");
    Cors cors = Cors.builder().allowOrigins("https://App.Example:443").build();
    assertThat(cors.allows("https://app.example")).isTrue();
    assertThat(cors.allows("https://app.example:8443")).isFalse();
    assertThat(cors.allows("http://app.example")).isFalse();
  }
}
