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
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad JSON body gets a {@code 400} whose message speaks of fields, JSON types, lines
 * and columns, never of Java classes (the records here are nested classes: {@code JsonBadBodyTest$In}).
 */
class JsonBadBodyTest {
  private static final Duration T = Duration.ofSeconds(30);

  /** An enum field. */
  public enum Color { RED, GREEN }

  /** A nested record. */
  public record Item(String name, int qty) {}

  /** The body type of {@code POST /in}; its constructor refuses the text "bad". */
  public record In(String text, int count, boolean flag, Instant at, Optional<Long> big, Color color, List<Item> items) {
    public In {
      if ("bad".equals(text)) {
        throw new IllegalArgumentException("text must not be 'bad'");
      }
      if ("LOUD".equals(text)) {
        throw new IllegalArgumentException("URL-like shouting is not allowed");
      }
      if ("blue".equals(text)) {
        Color.valueOf("BLUE"); // the JDK's message names the enum class: not for the client
      }
    }
  }

  private static HeraldServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() {
    Routing routing = Routing.builder().post("/in", req -> Response.json(req.bodyJson(In.class))).build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
    client = HttpClient.newBuilder().connectTimeout(T).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> post(byte[] body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/in"))
        .header("Content-Type", "application/json").POST(BodyPublishers.ofByteArray(body)).timeout(T).build();
    return client.send(request, BodyHandlers.ofString());
  }

  private static Arguments bad(String body, String message) {
    return Arguments.of(body, body.getBytes(StandardCharsets.UTF_8), message);
  }

  static Stream<Arguments> badBodies() {
    String known = "; known fields: 'at', 'big', 'color', 'count', 'flag', 'items', 'text'";
    return Stream.of(
        bad("{\"txt\":\"hi\"}", "unknown field 'txt' (line 1, column 13)" + known),
        bad("{\"items\":[{\"nme\":\"a\"}]}", "unknown field 'items[0].nme' (line 1, column 22); known fields: 'name', 'qty'"),
        bad("{\"count\":\"many\"}", "field 'count' must be a number (line 1, column 10)"),
        bad("{\"count\":99999999999}", "field 'count' must be a number from -2147483648 to 2147483647 (line 1, column 21)"),
        bad("{\"flag\":\"yes\"}", "field 'flag' must be true or false (line 1, column 9)"),
        bad("{\"text\":[1]}", "field 'text' must be a string (line 1, column 9)"),
        bad("{\"at\":\"yesterday\"}", "field 'at' must be an ISO-8601 instant such as \"2026-12-01T10:15:30Z\" (line 1, column 7)"),
        bad("{\"big\":\"x\"}", "field 'big' must be a number (line 1, column 8)"),
        bad("{\"color\":\"BLUE\"}", "field 'color' must be one of 'RED', 'GREEN' (line 1, column 10)"),
        bad("{\"items\":{}}", "field 'items' must be an array (line 1, column 10)"),
        bad("{\"items\":[{\"name\":\"a\",\"qty\":\"x\"}]}", "field 'items[0].qty' must be a number (line 1, column 29)"),
        bad("{\n  \"text\": \"a\",\n  \"count\": true\n}", "field 'count' must be a number (line 3, column 12)"),
        bad("{\"text\":\"bad\"}", "invalid JSON body: text must not be 'bad' (line 1, column 14)"),
        bad("{\"text\":\"LOUD\"}", "invalid JSON body: URL-like shouting is not allowed (line 1, column 15)"),
        bad("{\"text\":\"blue\"}", "invalid JSON body (line 1, column 15)"),
        bad("[1,2]", "the JSON body must be an object (line 1, column 1)"),
        bad("\"text\"", "the JSON body must be an object (line 1, column 1)"),
        bad("null", "the JSON body must be an object, not null"),
        bad("", "expected a JSON body but the request body is empty"),
        bad("  \n ", "the body holds no JSON value, only white space"),
        bad("{\"text\": ", "malformed JSON: unexpected end of input (line 1, column 10)"),
        bad("{text:1}", "malformed JSON: unexpected character ('t' (code 116)): was expecting double-quote to start field"
            + " name (line 1, column 2)"),
        bad("{\"count\":NaN}", "malformed JSON: non-standard token 'NaN' (line 1, column 13)"),
        bad("{\"text\":\"a\"} {}", "unexpected data after the JSON value (line 1, column 14)"),
        bad("{\"count\":" + "9".repeat(1200) + "}",
            "the JSON exceeds a limit: number value length (1200) exceeds the maximum allowed (1000)"),
        Arguments.of("invalid UTF-8", new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'},
            "malformed JSON: invalid UTF-8 start byte 0xff (line 1, column 5)"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badBodies")
  void aBadBodyIs400InTheClientsTerms(String name, byte[] body, String message) throws Exception {
    HttpResponse<String> res = post(body);
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode error = Json.MAPPER.readTree(res.body());
    assertThat(error.get("status").asInt()).isEqualTo(400);
    assertThat(error.get("error").asText()).isEqualTo("Bad Request");
    assertThat(error.get("message").asText()).isEqualTo(message)
        .doesNotContain("$").doesNotContain("class ").doesNotContain("dev.herald").doesNotContain("java.")
        .doesNotContainIgnoringCase("jackson");
  }

  @Test
  void aGoodBodyStillPasses() throws Exception {
    String body = "{\"text\":\"a\",\"count\":2,\"flag\":true,\"at\":\"2026-12-01T21:35:07Z\",\"big\":5,\"color\":\"RED\","
        + "\"items\":[{\"name\":\"n\",\"qty\":1}]}";
    HttpResponse<String> res = post(body.getBytes(StandardCharsets.UTF_8));
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo(body);
  }
}
