package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.HeadlessChromium;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example pages in headless Chromium: each page's EventSource (or fetch reader) receives what
 * the server sends, and the status badge shows open, done or closed. Skipped, with the reason,
 * where Chromium is not installed.
 */
class ExamplesBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static Examples examples;
  private static HeadlessChromium browser;

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    examples = Examples.start("127.0.0.1", 0, ExampleTimings.fast());
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (examples != null) {
      examples.close();
    }
  }

  private static URI page(String path) {
    return examples.uri().resolve(path);
  }

  private static void awaitTrue(String what, Callable<Boolean> condition) {
    await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition);
  }

  @Test
  void counterPageShowsTenNumbersAndClosesItsSource() throws Exception {
    browser.open(page("/counter.html"));
    awaitTrue("done after 10", () -> browser.text("#status").equals("done after 10"));
    assertThat(browser.script("return document.querySelectorAll('#log li').length").asInt()).isEqualTo(10);
    assertThat(browser.text("#log li:last-child")).endsWith("num = 10");
  }

  @Test
  void streamPageReceivesPushesFromOtherRoutes() throws Exception {
    browser.open(page("/stream.html"));
    awaitTrue("stream open", () -> browser.text("#status").startsWith("open"));
    HttpResponse<String> reply = SseTestClient.HTTP.send(
        HttpRequest.newBuilder(page("/push?msg=hello%20browser")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    awaitTrue("pushed message shown", () -> browser.text("#log").contains("hello browser"));
    browser.script("document.getElementById('msg').value = 'from the form';"
        + "document.getElementById('form').requestSubmit();");
    awaitTrue("form message shown", () -> browser.text("#log").contains("from the form"));
    awaitTrue("reply shown", () -> browser.text("#reply").startsWith("delivered to"));
    browser.script("document.getElementById('close').click();");
    awaitTrue("closed by the page", () -> browser.text("#status").equals("closed by you"));
  }

  @Test
  void chatPageSendsAndReceivesNamedMessages() throws Exception {
    browser.open(page("/chat.html"));
    awaitTrue("chat open", () -> browser.text("#status").startsWith("open"));
    browser.script("document.getElementById('user').value = 'ann';"
        + "document.getElementById('text').value = 'hello chat';"
        + "document.getElementById('form').requestSubmit();");
    awaitTrue("message shown", () -> browser.text("#log").contains("ann: hello chat"));
  }

  @Test
  void usersPageGetsOnlyItsOwnNotifications() throws Exception {
    browser.open(page("/users.html"));
    browser.script("document.getElementById('me').value = 'carol';"
        + "document.getElementById('listen').requestSubmit();");
    awaitTrue("listening", () -> browser.text("#status").startsWith("open"));
    SseTestClient.HTTP.send(HttpRequest.newBuilder(page("/users/dave/notify"))
        .POST(HttpRequest.BodyPublishers.ofString("for dave")).build(), HttpResponse.BodyHandlers.discarding());
    SseTestClient.HTTP.send(HttpRequest.newBuilder(page("/users/carol/notify"))
        .POST(HttpRequest.BodyPublishers.ofString("for carol")).build(), HttpResponse.BodyHandlers.discarding());
    awaitTrue("carol's notification shown", () -> browser.text("#log").contains("for carol"));
    assertThat(browser.text("#log")).doesNotContain("for dave");
  }

  @Test
  void lyricsPageListensForCustomEvents() throws Exception {
    browser.open(page("/lyrics.html"));
    awaitTrue("song ended", () -> browser.text("#status").equals("song ended"));
    assertThat(browser.text("#output")).isEqualTo(String.join(" ", LyricsExample.WORDS));
  }

  @Test
  void completePageReadsTheTokenStreamWithFetch() throws Exception {
    browser.open(page("/complete.html"));
    browser.script("document.getElementById('prompt').value = 'Why SSE?';"
        + "document.getElementById('form').requestSubmit();");
    awaitTrue("stream done", () -> browser.text("#status").equals("done"));
    assertThat(browser.text("#output")).isEqualTo(String.join("", CompletionExample.answer("Why SSE?")));
  }

  @Test
  void pageShowsReconnectingWhenTheServerGoesAwayMidStream() throws Exception {
    Examples other = Examples.start("127.0.0.1", 0, ExampleTimings.fast());
    int port = other.port();
    browser.open(other.uri().resolve("/stream.html"));
    awaitTrue("open", () -> browser.text("#status").startsWith("open"));
    other.close();
    awaitTrue("reconnecting shown", () -> browser.text("#status").startsWith("reconnecting"));
    Examples again = Examples.start("127.0.0.1", port, ExampleTimings.fast());
    try {
      awaitTrue("open again, reconnect counted", () -> browser.text("#status").equals("open (reconnects: 1)"));
    } finally {
      again.close();
    }
  }
}
