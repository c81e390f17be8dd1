package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's main promise, in a real browser: a plain {@code EventSource} subscribed to the hub
 * loses nothing when the hub restarts. Events published while it is down arrive after the
 * browser reconnects with {@code Last-Event-ID}, each once and in order. Skipped, with the reason,
 * where Chromium is not installed.
 */
class HubBrowserResumeTest {
  @TempDir Path data;
  private HeadlessChromium browser;
  private final List<Hub> hubs = new ArrayList<>();

  @BeforeEach
  void startBrowser() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    browser = HeadlessChromium.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    hubs.forEach(Hub::close);
  }

  private Hub hub(int port) {
    Hub hub = Hub.start(HubConfig.builder().port(port).dataDir(data).retry(Duration.ofMillis(300)).build());
    hubs.add(hub);
    return hub;
  }

  @Test
  void aPlainEventSourceGetsEveryEventAcrossAHubRestart() throws Exception {
    Hub first = hub(0);
    int port = first.port();
    browser.open(first.uri().resolve("/hub.css")); // any page of the hub's origin
    browser.script("window.got = []; window.opens = 0;"
        + "const s = new EventSource('/events?topic=resume/*');"
        + "s.onopen = () => window.opens++;"
        + "s.onmessage = (e) => window.got.push(e.lastEventId + ':' + e.data);");
    await().atMost(Duration.ofSeconds(30)).until(() -> browser.script("return window.opens").asInt() == 1);
    HubHttp.publish(first.uri(), "resume/a", "one");
    HubHttp.publish(first.uri(), "resume/b", "two");
    await().atMost(Duration.ofSeconds(30)).until(() -> browser.script("return window.got.length").asInt() == 2);

    first.close(); // the browser sees the stream end and starts reconnecting
    Hub second = hub(port);
    HubHttp.publish(second.uri(), "resume/a", "three"); // published before the browser is back
    HubHttp.publish(second.uri(), "other/x", "not subscribed");
    HubHttp.publish(second.uri(), "resume/c", "four");

    await().atMost(Duration.ofSeconds(30)).until(() -> browser.script("return window.got.length").asInt() >= 4);
    HubHttp.publish(second.uri(), "resume/d", "five"); // and live again
    await().atMost(Duration.ofSeconds(30)).until(() -> browser.script("return window.got.length").asInt() >= 5);
    JsonNode got = browser.script("return window.got");
    List<String> events = new ArrayList<>();
    got.forEach(n -> events.add(n.asText()));
    assertThat(events).containsExactly("1:one", "2:two", "3:three", "5:four", "6:five");
    assertThat(browser.script("return window.opens").asInt()).as("one reconnect").isEqualTo(2);
  }
}
