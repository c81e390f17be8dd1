package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.HeadlessChromium;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's web page in headless Chromium: subscribe to a selector, publish from the page, see
 * the event arrive with its id, topic and time; events published elsewhere and gaps show up too;
 * empty data can be published, a new subscription starts with an empty table, a comma is part of
 * a topic, the page declares an icon that exists, and a private publish in open mode shows the
 * hub's 400 (the page with a token: {@link HubUiTokenBrowserTest}).
 * Skipped, with the reason, where Chromium is not installed.
 */
class HubUiBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant EVENT_TIME = Instant.parse("2026-01-02T03:04:05.670Z");
  private static Hub hub;
  private static HeadlessChromium browser;

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    // the memory ring trims as it appends, so the gap test does not wait for background retention;
    // its clock is fixed, so every event's time is known (and unlike the time it is received)
    HubConfig config = HubConfig.builder().port(0).store(StoreKind.MEMORY).retentionEvents(5).build();
    hub = Hub.start(config, new MemoryHistoryStore(config.storeLimits(), Clock.fixed(EVENT_TIME, ZoneOffset.UTC)));
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static void awaitTrue(String what, Callable<Boolean> condition) {
    await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition);
  }

  private static String rows() throws Exception {
    return browser.text("#events");
  }

  private void subscribe(String selectors, String resume) throws Exception {
    browser.open(hub.uri());
    resubscribe(selectors, resume);
  }

  /** Submits the subscribe form again on the open page. */
  private void resubscribe(String selectors, String resume) throws Exception {
    browser.script("document.getElementById('topics').value = arguments[0];"
        + "document.getElementById('resume').value = arguments[1];"
        + "document.getElementById('subscribe').requestSubmit();", selectors, resume);
    awaitTrue("subscribed", () -> browser.text("#state").startsWith("open"));
  }

  @Test
  void subscribePublishFromThePageAndSeeTheEvent() throws Exception {
    subscribe("ui/*", "live");
    browser.script("document.getElementById('pub-topic').value = 'ui/page';"
        + "document.getElementById('pub-data').value = 'hello from chromium';"
        + "document.getElementById('publish').requestSubmit();");
    awaitTrue("publish acknowledged", () -> browser.text("#publish-result").startsWith("published as id "));
    String id = browser.text("#publish-result").substring("published as id ".length());
    awaitTrue("event shown", () -> rows().contains("hello from chromium"));
    String row = browser.script("return document.querySelector('#events tr').innerText").asText();
    assertThat(row).contains(id).contains("ui/page").contains("message").contains("hello from chromium");
    assertThat(browser.text("#count-events")).isEqualTo("1");

    long other = HubHttp.publish(hub.uri(), "ui/elsewhere", "{\"from\": \"curl\"}");
    awaitTrue("event published elsewhere shown", () -> rows().contains("ui/elsewhere"));
    assertThat(rows()).contains(Long.toString(other));
    HubHttp.publish(hub.uri(), "other/topic", "not for this page");
    awaitTrue("second event counted", () -> browser.text("#count-events").equals("2"));
    assertThat(rows()).doesNotContain("not for this page");
  }

  @Test
  void publishErrorsAreShownOnThePage() throws Exception {
    browser.open(hub.uri());
    browser.script("document.getElementById('pub-topic').value = 'bad topic';"
        + "document.getElementById('publish').requestSubmit();");
    awaitTrue("error shown", () -> browser.text("#publish-result").contains("bad topic"));
    assertThat(browser.script("return document.getElementById('publish-result').className").asText())
        .isEqualTo("error");
  }

  @Test
  void aPrivatePublishInOpenModeShowsTheHubsReason() throws Exception {
    browser.open(hub.uri());
    browser.script("document.getElementById('pub-topic').value = 'open/private';"
        + "document.getElementById('pub-private').checked = true;"
        + "document.getElementById('publish').requestSubmit();");
    awaitTrue("refusal shown", () -> !browser.text("#publish-result").isEmpty());
    assertThat(browser.text("#publish-result")).startsWith("400 Bad Request: ")
        .contains("private updates need a subscriber key");
  }

  @Test
  void aResumePointNoLongerRetainedShowsAGap() throws Exception {
    for (int i = 0; i < 12; i++) {
      HubHttp.publish(hub.uri(), "gap/t", "event " + i);
    }
    browser.open(hub.uri());
    browser.script("document.getElementById('topics').value = 'gap/*';"
        + "document.getElementById('resume').value = 'after';"
        + "document.getElementById('after').value = '1';"
        + "document.getElementById('subscribe').requestSubmit();");
    awaitTrue("gap shown", () -> browser.text("#count-gaps").equals("1"));
    assertThat(rows()).contains("no longer retained");
    awaitTrue("retained events replayed", () -> rows().contains("event 11"));
  }

  @Test
  void emptyDataCanBePublishedFromThePage() throws Exception {
    subscribe("empty/*", "live");
    browser.script("document.getElementById('pub-topic').value = 'empty/page';"
        + "document.getElementById('pub-data').value = '';"
        + "document.getElementById('publish').requestSubmit();");
    awaitTrue("publish acknowledged", () -> browser.text("#publish-result").startsWith("published as id "));
    String id = browser.text("#publish-result").substring("published as id ".length());
    awaitTrue("event shown", () -> browser.text("#count-events").equals("1"));
    assertThat(browser.script("const c = document.querySelector('#events tr').cells;"
        + "return [c[0].textContent, c[2].textContent, c[4].textContent];")).extracting(n -> n.asText())
        .containsExactly(id, "empty/page", "");
  }

  @Test
  void rowsShowTheEventsTimeNotWhenTheyArrived() throws Exception {
    HubHttp.publish(hub.uri(), "replay/t", "published before the page subscribed");
    subscribe("replay/*", "earliest");
    awaitTrue("replayed event shown", () -> rows().contains("published before the page subscribed"));
    assertThat(browser.script("return document.querySelector('#events tr time').dateTime").asText())
        .isEqualTo("2026-01-02T03:04:05.670Z");
    assertThat(browser.script("return document.querySelector('#events tr time').title").asText())
        .isEqualTo("2026-01-02T03:04:05.670Z");
  }

  @Test
  void aNewSubscriptionStartsWithAnEmptyTable() throws Exception {
    subscribe("first/*", "live");
    HubHttp.publish(hub.uri(), "first/a", "row of the first subscription");
    awaitTrue("first row shown", () -> rows().contains("row of the first subscription"));
    resubscribe("second/*", "live");
    assertThat(browser.script("return document.getElementById('events').rows.length").asInt()).isZero();
    assertThat(browser.text("#count-events")).isEqualTo("0");
    HubHttp.publish(hub.uri(), "second/a", "row of the second subscription");
    awaitTrue("second row shown", () -> rows().contains("row of the second subscription"));
    assertThat(rows()).doesNotContain("row of the first subscription");
    assertThat(browser.text("#count-events")).isEqualTo("1");
  }

  @Test
  void aCommaIsPartOfATopicAndSpacesSeparateSelectors() throws Exception {
    subscribe("comma/a,b  comma/c", "live");
    assertThat(browser.text("#state")).isEqualTo("open · comma/a,b comma/c");
    HubHttp.publish(hub.uri(), "comma/a,b", "to the topic with a comma");
    HubHttp.publish(hub.uri(), "comma/c", "to the second selector");
    awaitTrue("both shown", () -> browser.text("#count-events").equals("2"));
    assertThat(rows()).contains("to the topic with a comma").contains("to the second selector");
  }

  @Test
  void thePageDeclaresAnIconThatExists() throws Exception {
    browser.open(hub.uri());
    browser.script("window.iconCheck = '';"
        + "fetch(document.querySelector('link[rel~=\"icon\"]').href)"
        + ".then((r) => { window.iconCheck = r.status + ' ' + r.headers.get('Content-Type'); })"
        + ".catch((e) => { window.iconCheck = 'failed: ' + e; });");
    awaitTrue("icon fetched", () -> !browser.script("return window.iconCheck").asText().isEmpty());
    assertThat(browser.script("return window.iconCheck").asText()).startsWith("200 image/svg+xml");
  }
}
