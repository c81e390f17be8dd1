package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever bytes a client sends to a {@code bodyJson(Record)} route, the answer is a {@code 400}
 * with a JSON error body (or a {@code 200} if they happen to be a valid body), never a
 * {@code 500}, and the server keeps answering.
 */
class JsonGarbageBodyTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final String GOOD = "{\"name\":\"ok\",\"at\":\"2026-12-01T00:00:00Z\",\"n\":1,\"tags\":[\"a\"]}";

  /** The body type; a name is required. */
  public record Body(String name, Instant at, Optional<Integer> n, List<String> tags) {
    public Body {
      Objects.requireNonNull(name, "name");
    }
  }

  private static HeraldServer server;
  private static HttpClient client;

  @BeforeContainer
  static void start() {
    Routing routing = Routing.builder().post("/in", req -> Response.json(req.bodyJson(Body.class))).build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
    client = HttpClient.newBuilder().connectTimeout(T).build();
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  @Property(tries = 300)
  void randomBytesAre400(@ForAll("bytes") byte[] body) throws Exception {
    check(body);
  }

  @Property(tries = 300)
  void jsonLookingGarbageIs400(@ForAll("jsonish") String body) throws Exception {
    check(body.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }

  /** Strings of JSON's own characters and fragments, so the parser and the mapper get past the first byte. */
  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> pieces = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\\", " ", "\n", "null", "true",
        "1", "-0.5e9", "1e999", "\"name\"", "\"at\"", "\"n\"", "\"tags\"", "\"x\"", "\"2026-12-01T00:00:00Z\"",
        "\"\\u00e9\"", "\"\\ud800\"", "é", "\u0000", "NaN", "'", "/*", "99999999999999999999");
    return pieces.list().ofMaxSize(40).map(l -> String.join("", l));
  }

  private static void check(byte[] body) throws Exception {
    HttpResponse<String> res = post(body);
    assertThat(res.statusCode()).as("status for %s", res.body()).isIn(200, 400);
    JsonNode json = Json.MAPPER.readTree(res.body());
    if (res.statusCode() == 400) {
      assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(json.get("status").asInt()).isEqualTo(400);
      assertThat(json.get("message").asText()).isNotBlank().doesNotContain("dev.herald")
          .doesNotContain("com.fasterxml").doesNotContain("Exception");
    } else {
      assertThat(json.get("name").isTextual()).isTrue();
    }
    HttpResponse<String> good = post(GOOD.getBytes(StandardCharsets.UTF_8));
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(good.body()).isEqualTo(GOOD);
  }

  private static HttpResponse<String> post(byte[] body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/in"))
        .header("Content-Type", "application/json").POST(BodyPublishers.ofByteArray(body)).timeout(T).build();
    return client.send(request, BodyHandlers.ofString());
  }
}
