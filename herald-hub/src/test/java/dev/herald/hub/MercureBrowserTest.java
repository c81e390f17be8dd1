package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Mercure page in headless Chromium: a plain {@code EventSource} on
 * {@code /.well-known/mercure} with the {@code mercureAuthorization} cookie receives the public
 * (typed, publisher-id) and private updates published with Mercure's form fields, and across a
 * hub restart (SQLite) reconnects with {@code Last-Event-ID} — a publisher-chosen id — and misses
 * nothing, duplicates nothing. Skipped, with the reason, where Chromium is not installed.
 */
class MercureBrowserTest {
  private static final String BOOK = "https://example.com/books/1";
  private static final Instant NOW = Instant.now();
  private static final String PUBLISHER = TestTokens.hs256(SECRET, claims(NOW, List.of("*"), null).build());
  private static final String READER = TestTokens.hs256(SECRET, claims(NOW, null, List.of(BOOK)).build());

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
    Hub hub = Hub.start(HubConfig.builder().port(port).dataDir(data).retry(Duration.ofMillis(300))
        .auth(AuthConfig.builder().jwtKey(SECRET).build()).build());
    hubs.add(hub);
    return hub;
  }

  private static void publish(Hub hub, String... pairs) {
    new MercureHttp(hub.uri()).published(PUBLISHER, pairs);
  }

  private int got() throws Exception {
    return browser.script("return window.got.length").asInt();
  }

  @Test
  void aCookieEventSourceGetsPublicAndPrivateUpdatesAndResumesAfterARestart() throws Exception {
    Hub first = hub(0);
    int port = first.port();
    browser.open(first.uri().resolve("/hub.css")); // a page of the hub's origin
    browser.script("document.cookie = 'mercureAuthorization=' + arguments[0] + '; path=/; SameSite=Strict';"
        + "window.got = []; window.opens = 0;"
        + "const s = new EventSource('/.well-known/mercure?topic=' + encodeURIComponent(arguments[1]));"
        + "s.onopen = () => window.opens++;"
        + "s.addEventListener('book', (e) => window.got.push('book ' + e.lastEventId + ' ' + e.data));"
        + "s.onmessage = (e) => window.got.push(e.lastEventId + ' ' + e.data);", READER, BOOK);
    await().atMost(Duration.ofSeconds(30)).until(() -> browser.script("return window.opens").asInt() == 1);
    publish(first, "topic", BOOK, "data", "{\"status\":\"OutOfStock\"}", "type", "book", "id", "urn:uuid:a1");
    publish(first, "topic", BOOK, "data", "secret", "private", "on", "id", "urn:uuid:a2");
    await().atMost(Duration.ofSeconds(30)).until(() -> got() == 2);

    first.close(); // the browser sees the stream end and reconnects with Last-Event-ID: urn:uuid:a2
    Hub second = hub(port);
    publish(second, "topic", BOOK, "data", "while away", "private", "on"); // before the browser is back
    publish(second, "topic", "https://example.com/books/2", "data", "not subscribed");
    await().atMost(Duration.ofSeconds(30)).until(() -> got() >= 3);
    publish(second, "topic", BOOK, "data", "live again");
    await().atMost(Duration.ofSeconds(30)).until(() -> got() >= 4);

    JsonNode got = browser.script("return window.got");
    List<String> events = new ArrayList<>();
    got.forEach(n -> events.add(n.asText()));
    assertThat(events).containsExactly("book urn:uuid:a1 {\"status\":\"OutOfStock\"}", "urn:uuid:a2 secret",
        "3 while away", "5 live again");
    assertThat(browser.script("return window.opens").asInt()).as("one reconnect").isEqualTo(2);
  }
}
