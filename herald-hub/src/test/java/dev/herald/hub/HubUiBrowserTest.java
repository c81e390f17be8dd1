package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.HeadlessChromium;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's web page in headless Chromium: subscribe to a selector, publish from the page, see
 * the event arrive with its id and topic; events published elsewhere and gaps show up too.
 * Skipped, with the reason, where Chromium is not installed.
 */
class HubUiBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static Hub hub;
  private static HeadlessChromium browser;

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    // the memory ring trims as it appends, so the gap test does not wait for background retention
    hub = Hub.start(HubConfig.builder().port(0).store(StoreKind.MEMORY).retentionEvents(5).build());
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (hub != null) {
      hub.stop();
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
}
