package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A codec installed with {@link HeraldServer.Builder#json(JsonCodec)} reads every body and writes every Response.json. */
class JsonCodecTest {
  private static final Duration T = Duration.ofSeconds(30);

  /** A body type whose fields the custom mapper spells in snake case. */
  public record Person(String firstName, Instant born) {}

  /** An application's own mapper, wrapped as the Javadoc of {@link JsonCodec} shows; records what it did. */
  static class SnakeCaseCodec implements JsonCodec {
    final ObjectMapper mapper = JsonMapper.builder().findAndAddModules()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public <T> T read(byte[] json, Class<T> type) {
      calls.add("read " + type.getSimpleName());
      try {
        return mapper.readValue(json, type);
      } catch (IOException e) {
        throw JsonReadException.of(e);
      }
    }

    @Override
    public byte[] write(Object value) {
      calls.add("write " + value.getClass().getSimpleName());
      try {
        return mapper.writeValueAsBytes(value);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON", e);
      }
    }
  }

  private HeraldServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(T).build();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HeraldServer start(JsonCodec codec) {
    Routing routing = Routing.builder()
        .post("/person", req -> {
          Person p = req.bodyJson(Person.class);
          return Response.json(201, new Person(p.firstName().toUpperCase(), p.born().plusSeconds(1)));
        })
        .get("/map", req -> Response.json(Map.of("some_key", 1)))
        .build();
    HeraldServer.Builder builder = HeraldServer.builder().port(0).routing(routing);
    if (codec != null) {
      builder.json(codec);
    }
    server = builder.build().start();
    return server;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).timeout(T).build();
    return client.send(request, BodyHandlers.ofString());
  }

  @Test
  void theInstalledCodecReadsBodiesAndWritesResponses() throws Exception {
    SnakeCaseCodec codec = new SnakeCaseCodec();
    start(codec);
    HttpResponse<String> res = send("POST", "/person", "{\"first_name\":\"ada\",\"born\":\"1815-12-10T00:00:00Z\",\"extra\":1}");
    assertThat(res.statusCode()).isEqualTo(201);
    // the application's mapper: snake case, unknown fields ignored, instants as (Jackson's default) numbers
    assertThat(res.body()).isEqualTo("{\"first_name\":\"ADA\",\"born\":-4861727999.000000000}");
    assertThat(codec.calls).containsExactly("read Person", "write Person");
  }

  @Test
  void theStandardCodecRefusesWhatTheCustomOneAccepts() throws Exception {
    start(null);
    HttpResponse<String> res = send("POST", "/person", "{\"first_name\":\"ada\",\"born\":\"1815-12-10T00:00:00Z\"}");
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.body()).contains("unknown field 'first_name'");
  }

  @Test
  void aCodecsReadExceptionIsThe400Message() throws Exception {
    SnakeCaseCodec codec = new SnakeCaseCodec() {
      @Override
      public <T> T read(byte[] json, Class<T> type) {
        throw new JsonReadException("send a person, please");
      }
    };
    start(codec);
    HttpResponse<String> res = send("POST", "/person", "{}");
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.body()).isEqualTo("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"send a person, please\"}");
  }

  @Test
  void jsonReadExceptionOfDescribesAnApplicationMappersFailure() throws Exception {
    start(new SnakeCaseCodec());
    HttpResponse<String> res = send("POST", "/person", "{\"born\":\"soon\"}");
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.body()).isEqualTo("{\"status\":400,\"error\":\"Bad Request\",\"message\":"
        + "\"field 'born' must be an ISO-8601 instant such as \\\"2026-12-01T10:15:30Z\\\" (line 1, column 9)\"}");
  }

  @Test
  void aValueTheCodecCannotWriteIs500AndTheServerStaysUp() throws Exception {
    SnakeCaseCodec codec = new SnakeCaseCodec() {
      @Override
      public byte[] write(Object value) {
        if (value instanceof Map) {
          throw new IllegalArgumentException("no maps here");
        }
        return super.write(value);
      }
    };
    start(codec);
    HttpResponse<String> failed = send("GET", "/map", null);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.body()).isEqualTo("{\"status\":500,\"error\":\"Internal Server Error\",\"message\":\"Internal server error\"}");
    HttpResponse<String> next = send("POST", "/person", "{\"first_name\":\"b\",\"born\":\"2000-01-01T00:00:00Z\"}");
    assertThat(next.statusCode()).isEqualTo(201);
  }

  @Test
  void aJsonResponsesOwnBodyIsTheStandardCodecs() {
    Response r = Response.json(Map.of("at", Instant.EPOCH));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"at\":\"1970-01-01T00:00:00Z\"}");
    assertThat(r.header("Content-Type")).hasValue("application/json");
    assertThat(r.status()).isEqualTo(200);
    assertThatThrownBy(() -> Response.json(99, Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeraldServer.builder().json(null)).isInstanceOf(NullPointerException.class);
  }
}
