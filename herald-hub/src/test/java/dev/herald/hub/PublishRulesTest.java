package dev.herald.hub;

import static dev.herald.hub.HubHttp.form;
import static dev.herald.hub.HubHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Publishers cannot forge the hub's own signals: event names starting with {@code herald-} are
 * the hub's, and {@code retry} is bounded to {@value PublishParser#MIN_RETRY_MS} ms .. one day.
 * Refused in form, JSON and batch publishes with a 400 naming the field; nothing is published.
 */
class PublishRulesTest extends HubTestSupport {
  private Hub hub;
  private URI u;

  @BeforeEach
  void startHub() {
    hub = start();
    u = hub.uri();
  }

  private static void assertRefused(HttpResponse<String> r, String... messageParts) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json(r);
    assertThat(body.get("status").asInt()).isEqualTo(400);
    assertThat(body.get("message").asText()).contains(messageParts);
  }

  @Test
  void theHubsEventNamesAreReserved() throws Exception {
    SseTestClient sub = subscribe(u, "topic=a");
    assertThat(SubscribeHandler.GAP_EVENT).startsWith(PublishParser.RESERVED_EVENT_PREFIX);
    for (String name : new String[] {"herald-gap", "herald-", "herald-anything", "Herald-Gap", "HERALD-GAP"}) {
      assertRefused(HubHttp.postForm(u, form("topic", "a", "data", "fake", "event", name)), "'event'", "herald-", "reserved");
      assertRefused(HubHttp.postJson(u, "{\"topic\":\"a\",\"data\":\"fake\",\"event\":\"" + name + "\"}"),
          "'event'", "herald-", "reserved");
      assertRefused(HubHttp.postJson(u, "[{\"topic\":\"a\",\"data\":\"ok\"},{\"topic\":\"a\",\"data\":\"fake\",\"event\":\""
          + name + "\"}]"), "item 1: ", "'event'", "reserved");
    }
    assertThat(hub.store().lastId()).as("nothing published").isZero();

    assertThat(HubHttp.postForm(u, form("topic", "a", "data", "real", "event", "heraldgap")).statusCode()).isEqualTo(200);
    assertThat(HubHttp.postForm(u, form("topic", "a", "data", "real", "event", "my-herald-gap")).statusCode()).isEqualTo(200);
    MessageEvent first = sub.next();
    assertThat(first.event()).isEqualTo("heraldgap");
    assertThat(sub.next().event()).isEqualTo("my-herald-gap");
  }

  @Test
  void retryIsBoundedFrom100MillisecondsToOneDay() throws Exception {
    SseTestClient sub = subscribe(u, "topic=a");
    for (String retry : new String[] {"0", "1", "99", "86400001", "9223372036854775807"}) {
      assertRefused(HubHttp.postForm(u, form("topic", "a", "data", "x", "retry", retry)), "retry", "100", "86400000");
      assertRefused(HubHttp.postJson(u, "{\"topic\":\"a\",\"data\":\"x\",\"retry\":" + retry + "}"), "'retry'", "100", "86400000");
      assertRefused(HubHttp.postJson(u, "[{\"topic\":\"a\",\"data\":\"x\"},{\"topic\":\"a\",\"data\":\"x\",\"retry\":" + retry + "}]"),
          "item 1: ", "'retry'", "86400000");
    }
    assertRefused(HubHttp.postJson(u, "{\"topic\":\"a\",\"data\":\"x\",\"retry\":123456789012345678901234567890}"), "'retry'");
    assertThat(hub.store().lastId()).as("nothing published").isZero();

    assertThat(HubHttp.postForm(u, form("topic", "a", "data", "lo", "retry", "0000100")).statusCode()).isEqualTo(200);
    assertThat(HubHttp.postJson(u, "{\"topic\":\"a\",\"data\":\"hi\",\"retry\":86400000}").statusCode()).isEqualTo(200);
    sub.next(2);
    assertThat(sub.retries()).contains(Duration.ofMillis(100), Duration.ofDays(1));
  }
}
