package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the web UI relies on: the page from the classpath and the envelope format. */
class HubWebTest extends HubTestSupport {
  @Test
  void servesThePageAndItsAssets() {
    URI u = start().uri();
    HttpResponse<String> page = HubHttp.get(u, "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<title>Herald hub</title>").contains("/hub.js");
    assertThat(HubHttp.get(u, "/hub.js").headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
    assertThat(HubHttp.get(u, "/hub.css").statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<link rel=\"icon\" href=\"/favicon.svg\"");
    HttpResponse<String> icon = HubHttp.get(u, "/favicon.svg");
    assertThat(icon.statusCode()).isEqualTo(200);
    assertThat(icon.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/svg+xml"));
    assertThat(icon.body()).startsWith("<svg");
    // the page learns the token cookie's name (--cookie-name) here
    HttpResponse<String> ui = HubHttp.get(u, "/hub-ui.json");
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(HubHttp.json(ui).get("cookieName").asText()).isEqualTo(AuthConfig.DEFAULT_COOKIE_NAME);
  }

  @Test
  void envelopeCarriesTopicsTimeAndNameOfEveryEvent() throws Exception {
    URI u = start().uri();
    SseTestClient plain = subscribe(u, "topic=env/*");
    SseTestClient wrapped = subscribe(u, "topic=env/*&envelope=1");
    Instant before = Instant.now().minusSeconds(1);
    HttpResponse<String> r = HubHttp.postJson(u, "{\"topics\": [\"env/a\", \"other/b\"], \"event\": \"update\", \"data\": \"x\\ny\"}");
    String id = HubHttp.json(r).get("id").asText();

    MessageEvent p = plain.next();
    assertThat(p.event()).isEqualTo("update");
    assertThat(p.data()).isEqualTo("x\ny");

    MessageEvent w = wrapped.next();
    assertThat(w.event()).as("unnamed, so onmessage sees it").isEqualTo("message");
    assertThat(w.lastEventId()).isEqualTo(id);
    JsonNode env = HubHttp.parse(w.data());
    assertThat(env.get("topics")).extracting(JsonNode::asText).containsExactlyInAnyOrder("env/a", "other/b");
    assertThat(env.get("event").asText()).isEqualTo("update");
    assertThat(env.get("data").asText()).isEqualTo("x\ny");
    assertThat(Instant.parse(env.get("time").asText())).isAfter(before);

    HubHttp.publish(u, "env/c", "plain data");
    assertThat(HubHttp.parse(wrapped.next().data()).get("event").isNull()).isTrue();
  }

  @Test
  void envelopeTimeAlwaysHasMillisecondPrecision() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-12-01T19:00:00Z").toEpochMilli());
    HubConfig config = config().store(StoreKind.MEMORY).build();
    URI u = start(config, new MemoryHistoryStore(config.storeLimits(), clock)).uri();
    SseTestClient wrapped = subscribe(u, "topic=time/*&envelope=1");
    HubHttp.publish(u, "time/a", "on the second");
    clock.advance(java.time.Duration.ofMillis(120));
    HubHttp.publish(u, "time/a", "120 ms later");
    clock.advance(java.time.Duration.ofMillis(885));
    HubHttp.publish(u, "time/a", "1005 ms later");
    assertThat(HubHttp.parse(wrapped.next().data()).get("time").asText()).isEqualTo("2026-12-01T19:00:00.000Z");
    assertThat(HubHttp.parse(wrapped.next().data()).get("time").asText()).isEqualTo("2026-12-01T19:00:00.120Z");
    assertThat(HubHttp.parse(wrapped.next().data()).get("time").asText()).isEqualTo("2026-12-01T19:00:01.005Z");
  }
}
