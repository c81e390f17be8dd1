package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code private} field of a publish: its form values and JSON form, the 400s for anything
 * else, and the refusal of private updates in open mode, where nobody could receive them.
 */
class PublishPrivateTest extends HubTestSupport {
  private Hub tokens;

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  @AfterEach
  void stopTokens() {
    if (tokens != null) {
      tokens.close();
    }
  }

  private Hub withTokens() {
    HubConfig config = config().build();
    tokens = Hub.start(config, new MemoryHistoryStore(config.storeLimits()), Subscription.DEFAULT_MAX_PENDING,
        new TestAuthenticator());
    return tokens;
  }

  private static boolean lastIsPrivate(Hub hub) {
    List<StoredEvent> all = hub.store().readAfter(0, List.of(TopicSelector.parse("**")), 1000);
    return all.get(all.size() - 1).isPrivate();
  }

  private static void assertError(HttpResponse<String> r, int status, String message) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(HubHttp.json(r).get("message").asText()).isEqualTo(message);
  }

  @ParameterizedTest
  @CsvSource(value = {"on,true", "true,true", "1,true", "'',true", "ON,true", "off,false", "false,false", "0,false"})
  void formValues(String value, boolean isPrivate) {
    Hub hub = withTokens();
    HttpResponse<String> r = HubHttp.postForm(hub.uri(), HubHttp.form("topic", "a", "data", "x", "private", value));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(lastIsPrivate(hub)).isEqualTo(isPrivate);
  }

  @Test
  void formWithoutTheFieldIsPublicAndBadValuesAre400() {
    Hub hub = withTokens();
    URI u = hub.uri();
    HubHttp.publish(u, "a", "x");
    assertThat(lastIsPrivate(hub)).isFalse();
    assertError(HubHttp.postForm(u, HubHttp.form("topic", "a", "data", "x", "private", "yes")), 400,
        "field 'private' must be on, true or 1 (or off, false, 0 for a public update), not 'yes'");
    assertError(HubHttp.postForm(u, HubHttp.form("topic", "a", "data", "x", "private", "on", "private", "on")), 400,
        "field 'private' is given more than once");
    assertThat(hub.store().lastId()).isEqualTo(1);
  }

  @Test
  void jsonPrivateIsPerEventOfABatch() {
    Hub hub = withTokens();
    URI u = hub.uri();
    HttpResponse<String> r = HubHttp.postJson(u,
        "[{\"topic\":\"a\",\"data\":\"1\",\"private\":true},{\"topic\":\"a\",\"data\":\"2\"},"
            + "{\"topic\":\"a\",\"data\":\"3\",\"private\":false}]");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(hub.store().readAfter(0, List.of(TopicSelector.parse("a")), 10))
        .extracting(StoredEvent::isPrivate).containsExactly(true, false, false);
    assertError(HubHttp.postJson(u, "{\"topic\":\"a\",\"data\":\"x\",\"private\":\"true\"}"), 400,
        "'private' must be true or false");
    assertError(HubHttp.postJson(u, "[{\"topic\":\"a\",\"data\":\"x\"},{\"topic\":\"a\",\"data\":\"x\",\"private\":1}]"),
        400, "item 1: 'private' must be true or false");
    assertThat(hub.store().lastId()).isEqualTo(3);
  }

  @Test
  void openModeRefusesPrivateUpdatesAndPublishesNothingOfTheRequest() {
    Hub hub = start();
    URI u = hub.uri();
    String message = "private updates need a subscriber key (--jwt-key or --subscriber-jwt-key): without one no"
        + " subscriber can be authorized to receive them";
    assertError(HubHttp.postForm(u, HubHttp.form("topic", "a", "data", "x", "private", "on")), 400, message);
    assertError(HubHttp.postJson(u, "[{\"topic\":\"a\",\"data\":\"x\"},{\"topic\":\"a\",\"data\":\"y\",\"private\":true}]"),
        400, "item 1: " + message);
    assertThat(hub.store().lastId()).isZero();
    // saying public explicitly is fine
    HttpResponse<String> r = HubHttp.postForm(u, HubHttp.form("topic", "a", "data", "x", "private", "off"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(lastIsPrivate(hub)).isFalse();
  }
}
