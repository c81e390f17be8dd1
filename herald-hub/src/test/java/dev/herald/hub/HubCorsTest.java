package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.HubSocket.Answer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --cors-origins} over real sockets: preflights for {@code GET /events} and
 * {@code POST /publish}, and the headers of real answers, for allowed origins only.
 */
class HubCorsTest extends HubTestSupport {
  private static final String APP = "https://app.example";
  private static final String EVIL = "https://evil.example";

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  private Hub hub(List<String> origins) {
    return start(config().limits(HubLimits.builder().corsOrigins(origins).build()).build());
  }

  private static String preflight(String path, String origin, String method, String headers) {
    return HubSocket.request("OPTIONS", path, null, "Origin: " + origin, "Access-Control-Request-Method: " + method,
        "Access-Control-Request-Headers: " + headers);
  }

  @Test
  void preflightsFromAListedOriginAreAnsweredForEventsAndPublish() throws Exception {
    Hub hub = hub(List.of(APP, "http://localhost:5173"));
    Answer events = HubSocket.exchange(hub.port(), "127.0.0.1", preflight("/events?topic=a", APP, "GET", "last-event-id"));
    assertThat(events.status()).isEqualTo(204);
    assertThat(events.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(events.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(events.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST");
    assertThat(events.header("Access-Control-Allow-Headers"))
        .isEqualTo("Last-Event-ID, Authorization, Content-Type, Idempotency-Key");
    assertThat(events.header("Access-Control-Max-Age")).isEqualTo("600");

    Answer publish = HubSocket.exchange(hub.port(), "127.0.0.1",
        preflight("/publish", APP, "POST", "authorization, content-type, idempotency-key"));
    assertThat(publish.status()).isEqualTo(204);
    assertThat(publish.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(publish.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(publish.header("Vary")).contains("Origin");
  }

  @Test
  void preflightsFromOtherOriginsOrForOtherHeadersAreRefusedWithoutCorsHeaders() throws Exception {
    Hub hub = hub(List.of(APP));
    Answer other = HubSocket.exchange(hub.port(), "127.0.0.1", preflight("/publish", EVIL, "POST", "content-type"));
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.header("Content-Type")).startsWith("application/json");
    assertThat(HubHttp.parse(other.body()).get("message").asText()).contains("origin " + EVIL + " is not allowed");
    assertThat(other.headers()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-credentials");

    Answer header = HubSocket.exchange(hub.port(), "127.0.0.1", preflight("/events?topic=a", APP, "GET", "x-secret"));
    assertThat(header.status()).isEqualTo(403);
    assertThat(HubHttp.parse(header.body()).get("message").asText()).contains("request header x-secret is not allowed");

    Answer method = HubSocket.exchange(hub.port(), "127.0.0.1", preflight("/publish", APP, "DELETE", "content-type"));
    assertThat(method.status()).isEqualTo(403);
    assertThat(HubHttp.parse(method.body()).get("message").asText()).contains("method DELETE is not allowed");
  }

  @Test
  void realAnswersCarryTheHeadersForListedOriginsOnly() throws Exception {
    Hub hub = hub(List.of(APP));
    try (HubSocket allowed = HubSocket.open(hub.port(), "127.0.0.1");
        HubSocket other = HubSocket.open(hub.port(), "127.0.0.1");
        HubSocket none = HubSocket.open(hub.port(), "127.0.0.1")) {
      allowed.write(HubSocket.request("GET", "/events?topic=cors/a", null, "Origin: " + APP, "Accept: text/event-stream"));
      other.write(HubSocket.request("GET", "/events?topic=cors/a", null, "Origin: " + EVIL, "Accept: text/event-stream"));
      none.write(HubSocket.request("GET", "/events?topic=cors/a", null, "Accept: text/event-stream"));
      Answer a = allowed.read();
      Answer o = other.read();
      Answer n = none.read();
      assertThat(List.of(a.status(), o.status(), n.status())).containsOnly(200);
      assertThat(a.header("Content-Type")).startsWith("text/event-stream");
      assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo(APP);
      assertThat(a.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(o.headers()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-credentials");
      assertThat(n.headers()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-credentials");
      for (HubSocket s : List.of(allowed, other, none)) {
        s.readUntil("retry:"); // registered
      }

      Answer pa = HubSocket.exchange(hub.port(), "127.0.0.1", HubSocket.publish("cors/a", "from-app", "Origin: " + APP));
      assertThat(pa.status()).isEqualTo(200);
      assertThat(pa.header("Access-Control-Allow-Origin")).isEqualTo(APP);
      assertThat(pa.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(pa.header("Access-Control-Expose-Headers")).isEqualTo("Retry-After, Idempotent-Replayed");
      Answer po = HubSocket.exchange(hub.port(), "127.0.0.1", HubSocket.publish("cors/a", "from-evil", "Origin: " + EVIL));
      assertThat(po.status()).as("CORS only hides answers from pages; refusing is authentication's job").isEqualTo(200);
      assertThat(po.headers()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-credentials");
      for (HubSocket s : List.of(allowed, other, none)) {
        assertThat(s.readUntil("data: from-evil\n")).contains("data: from-app\n");
      }
    }
  }

  @Test
  void anyOriginIsAnsweredWithAStarAndNoCredentials() throws Exception {
    Hub hub = hub(List.of("*"));
    Answer pre = HubSocket.exchange(hub.port(), "127.0.0.1", preflight("/publish", EVIL, "POST", "content-type"));
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(pre.headers()).doesNotContainKey("access-control-allow-credentials");
    Answer pub = HubSocket.exchange(hub.port(), "127.0.0.1", HubSocket.publish("cors/b", "x", "Origin: " + EVIL));
    assertThat(pub.status()).isEqualTo(200);
    assertThat(pub.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(pub.headers()).doesNotContainKey("access-control-allow-credentials");
  }

  @Test
  void withoutCorsOriginsNoAnswerHasCorsHeaders() throws Exception {
    Hub hub = start();
    Answer pre = HubSocket.exchange(hub.port(), "127.0.0.1", preflight("/publish", APP, "POST", "content-type"));
    assertThat(pre.status()).as("no preflight handling: POST only").isEqualTo(405);
    assertThat(pre.headers()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-methods");
    Answer pub = HubSocket.exchange(hub.port(), "127.0.0.1", HubSocket.publish("cors/c", "x", "Origin: " + APP));
    assertThat(pub.status()).isEqualTo(200);
    assertThat(pub.headers()).doesNotContainKey("access-control-allow-origin");
  }

  @Test
  void aPublishRefusedByTheRateLimitStillCarriesCorsHeadersSoThePageCanReadRetryAfter() throws Exception {
    Hub hub = start(config().limits(HubLimits.builder().corsOrigins(List.of(APP)).publishRate(0.5).publishBurst(1)
        .nanoTime(() -> 0L).build()).build());
    assertThat(HubSocket.exchange(hub.port(), "127.0.0.1", HubSocket.publish("cors/d", "1", "Origin: " + APP)).status())
        .isEqualTo(200);
    Answer limited = HubSocket.exchange(hub.port(), "127.0.0.1", HubSocket.publish("cors/d", "2", "Origin: " + APP));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isEqualTo("2");
    assertThat(limited.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(limited.header("Access-Control-Expose-Headers")).contains("Retry-After");
  }
}
