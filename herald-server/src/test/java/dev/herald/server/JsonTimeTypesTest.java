package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records holding {@link Instant}, {@link Optional} and {@link Duration} through the default codec, over real sockets. */
class JsonTimeTypesTest {
  private static final Duration T = Duration.ofSeconds(30);

  /** A record of the kind an application sends and receives. */
  public record Reading(String name, Instant at, Optional<String> note, Optional<Integer> count, Duration every) {}

  private static HeraldServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() {
    Routing routing = Routing.builder()
        .get("/full", req -> Response.json(new Reading("a", Instant.parse("2026-12-01T21:35:07.250Z"),
            Optional.of("n"), Optional.of(3), Duration.ofSeconds(90))))
        .get("/empty", req -> Response.json(new Reading("b", Instant.EPOCH, Optional.empty(), Optional.empty(),
            Duration.ZERO)))
        .post("/echo", req -> Response.json(201, req.bodyJson(Reading.class)))
        .build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
    client = HttpClient.newBuilder().connectTimeout(T).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(T).build(), BodyHandlers.ofString());
  }

  private static HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  @Test
  void instantsAreIsoStringsAndOptionalsTheirValue() throws Exception {
    HttpResponse<String> res = send(req("/full"));
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo(
        "{\"name\":\"a\",\"at\":\"2026-12-01T21:35:07.250Z\",\"note\":\"n\",\"count\":3,\"every\":\"PT1M30S\"}");
  }

  @Test
  void anEmptyOptionalIsNull() throws Exception {
    assertThat(send(req("/empty")).body()).isEqualTo(
        "{\"name\":\"b\",\"at\":\"1970-01-01T00:00:00Z\",\"note\":null,\"count\":null,\"every\":\"PT0S\"}");
  }

  @Test
  void aRecordRoundTripsThroughBodyJsonAndResponseJson() throws Exception {
    String sent = "{\"name\":\"c\",\"at\":\"2026-12-01T21:35:07Z\",\"note\":null,\"count\":7,\"every\":\"PT2S\"}";
    HttpResponse<String> res = send(req("/echo").POST(BodyPublishers.ofString(sent)));
    assertThat(res.statusCode()).isEqualTo(201);
    assertThat(res.body()).isEqualTo(sent);
    String absent = "{\"name\":\"d\",\"at\":\"2026-12-01T21:35:07Z\",\"every\":\"PT2S\"}";
    assertThat(send(req("/echo").POST(BodyPublishers.ofString(absent))).body())
        .isEqualTo("{\"name\":\"d\",\"at\":\"2026-12-01T21:35:07Z\",\"note\":null,\"count\":null,\"every\":\"PT2S\"}");
  }
}
