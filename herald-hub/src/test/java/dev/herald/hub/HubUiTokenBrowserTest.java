package dev.herald.hub;

import static dev.herald.hub.TestTokens.OTHER_SECRET;
import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static dev.herald.hub.TestTokens.hs256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's web page with a token, in headless Chromium, against a hub that verifies real HS256
 * JWTs (minted here with nimbus) with its own configuration ({@code --jwt-key}): the page
 * receives the private updates its token's subscribe claim covers and no others (a public marker
 * published after them proves the absence), publishes with the token (private when ticked), shows
 * the hub's 403 for a topic outside its publish claim and its 401 for a missing, expired or
 * wrongly signed token. The token reaches the hub as {@code Authorization: Bearer} (publishing)
 * and as the cookie (subscribing), never in a URL; the cookie goes to {@code /events} only and is
 * gone once the page unsubscribes; a configured {@code --cookie-name} is the one the page sets.
 * Skipped, with the reason, where Chromium is not installed (fails instead under {@code CI=true}).
 */
class HubUiTokenBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.now();
  /** The backend's token: may publish everywhere. */
  private static final String BACKEND = hs256(SECRET, claims(NOW, List.of("*"), null).build());
  private static Hub hub;
  private static HeadlessChromium browser;

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    hub = Hub.start(config(AuthConfig.builder().jwtKey(SECRET).build()));
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

  private static HubConfig config(AuthConfig auth) {
    return HubConfig.builder().port(0).store(StoreKind.MEMORY).auth(auth).build();
  }

  private static String token(List<String> publish, List<String> subscribe) {
    return hs256(SECRET, claims(NOW, publish, subscribe).subject("u42").build());
  }

  private static void awaitTrue(String what, Callable<Boolean> condition) {
    await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition);
  }

  private static String rows() throws Exception {
    return browser.text("#events");
  }

  /** Opens the page of {@code at} with {@code token} typed into its token box. */
  private static void openWithToken(URI at, String token) throws Exception {
    browser.open(at);
    browser.script("const t = document.getElementById('token'); t.value = arguments[0];"
        + "t.dispatchEvent(new Event('input'));", token);
  }

  private static void submitSubscribe(String selectors) throws Exception {
    browser.script("document.getElementById('topics').value = arguments[0];"
        + "document.getElementById('resume').value = 'live';"
        + "document.getElementById('subscribe').requestSubmit();", selectors);
  }

  private static void subscribe(String selectors) throws Exception {
    submitSubscribe(selectors);
    awaitTrue("subscribed", () -> browser.text("#state").startsWith("open"));
  }

  /** Publishes from the page's form and returns what the page shows as the result. */
  private static String publishFromPage(String topic, String data, boolean isPrivate) throws Exception {
    browser.script("document.getElementById('publish-result').textContent = '';"
        + "document.getElementById('pub-topic').value = arguments[0];"
        + "document.getElementById('pub-data').value = arguments[1];"
        + "document.getElementById('pub-private').checked = arguments[2];"
        + "document.getElementById('publish').requestSubmit();", topic, data, isPrivate);
    awaitTrue("publish answered", () -> !browser.text("#publish-result").isEmpty());
    return browser.text("#publish-result");
  }

  /** Publishes as the backend (over HTTP, with its own token). */
  private static void publishAsBackend(URI at, String topic, String data, boolean isPrivate) {
    String form = isPrivate ? HubHttp.form("topic", topic, "data", data, "private", "on")
        : HubHttp.form("topic", topic, "data", data);
    HttpResponse<String> r = HubHttp.postForm(at, form, "Authorization", "Bearer " + BACKEND);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Runs {@code fetch(path, init)} in the page; "status body" (the body only when refused). */
  private static String fetchInPage(String path, String init) throws Exception {
    browser.script("window.probe = '';"
        + "fetch(arguments[0], " + init + ").then(async (r) => { window.probe = r.status + ' '"
        + " + (r.ok ? '' : await r.text()); }).catch((e) => { window.probe = 'failed: ' + e; });", path);
    awaitTrue("fetch answered", () -> !browser.script("return window.probe").asText().isEmpty());
    return browser.script("return window.probe").asText();
  }

  @Test
  void withATokenThePageReceivesThePrivateUpdatesItsClaimCoversAndNoOthers() throws Exception {
    String token = token(List.of("board/*"), List.of("users/42/**"));
    openWithToken(hub.uri(), token);
    assertThat(browser.text("#token-info")).contains("publish: board/*").contains("private updates of: users/42/**")
        .contains("sub: u42");
    subscribe("users/** board/*");
    publishAsBackend(hub.uri(), "users/42/inbox", "for user 42", true);
    publishAsBackend(hub.uri(), "users/7/inbox", "for user 7", true);
    publishAsBackend(hub.uri(), "board/news", "public marker", false);
    awaitTrue("marker shown", () -> rows().contains("public marker"));
    assertThat(rows()).contains("for user 42").doesNotContain("for user 7");
    assertThat(browser.text("#count-events")).isEqualTo("2");
    assertThat(browser.script("return [...document.querySelectorAll('#events tr.private')].map((r) => r.innerText)"
        + ".join('|')").asText()).contains("for user 42").contains("private").doesNotContain("marker");

    // the token is in no URL: not the page's, not the stream's
    assertThat(browser.script("return location.href + ' ' + source.url").asText()).doesNotContain(token);
    // the cookie goes to /events only: a publish without the header is anonymous, so refused
    assertThat(fetchInPage("/publish", "{method: 'POST', headers: {'Content-Type': 'application/json'},"
        + " body: JSON.stringify({topics: ['board/x'], data: 'x'})}"))
        .startsWith("401 ").contains("publishing needs a token");
    // unsubscribing deletes the cookie: a stream asked for now has no token
    browser.script("document.getElementById('disconnect').click();");
    assertThat(fetchInPage("/events?topic=board/*", "{}")).startsWith("401 ").contains("subscribing needs a token");
  }

  @Test
  void thePagePublishesWithItsTokenPrivateWhenTicked() throws Exception {
    openWithToken(hub.uri(), token(List.of("board/*"), List.of("board/*")));
    subscribe("board/*");
    assertThat(publishFromPage("board/page", "public from the page", false)).startsWith("published as id ");
    assertThat(publishFromPage("board/page", "private from the page", true)).startsWith("published as id ");
    awaitTrue("both shown", () -> browser.text("#count-events").equals("2"));
    assertThat(browser.script("return [...document.querySelectorAll('#events tr.private')].map((r) => r.innerText)"
        + ".join('|')").asText()).contains("private from the page").doesNotContain("public from the page");
  }

  @Test
  void aTopicOutsideThePublishClaimShowsTheHubs403() throws Exception {
    openWithToken(hub.uri(), token(List.of("board/*"), List.of()));
    String result = publishFromPage("admin/settings", "not allowed", false);
    assertThat(result).startsWith("403 Forbidden: ").contains("may not publish to 'admin/settings'");
    assertThat(browser.script("return document.getElementById('publish-result').className").asText())
        .isEqualTo("error");
  }

  @Test
  void aMissingExpiredOrForgedTokenShowsTheHubs401() throws Exception {
    browser.open(hub.uri());
    submitSubscribe("board/*");
    awaitTrue("refusal shown", () -> !browser.text("#subscribe-error").isEmpty());
    assertThat(browser.text("#subscribe-error")).startsWith("401 Unauthorized: subscribing needs a token");
    assertThat(browser.text("#state")).isEqualTo("not subscribed");

    String expired = hs256(SECRET, claims(NOW.minusSeconds(7200), null, List.of("board/*")).build());
    openWithToken(hub.uri(), expired);
    assertThat(browser.text("#token-info")).contains("expired at");
    submitSubscribe("board/*");
    awaitTrue("refusal shown", () -> !browser.text("#subscribe-error").isEmpty());
    assertThat(browser.text("#subscribe-error"))
        .startsWith("401 Unauthorized: token refused (mercureAuthorization cookie): expired at");

    String forged = hs256(OTHER_SECRET, claims(NOW, List.of("*"), null).build());
    openWithToken(hub.uri(), forged);
    assertThat(publishFromPage("board/page", "forged", false))
        .startsWith("401 Unauthorized: token refused (Authorization header): ");
  }

  @Test
  void somethingThatIsNotATokenIsNotSent() throws Exception {
    openWithToken(hub.uri(), "two words; x=y");
    assertThat(browser.text("#token-info")).startsWith("that is not a JWT");
    assertThat(publishFromPage("board/page", "x", false)).startsWith("that is not a JWT");
  }

  @Test
  void thePageSetsTheCookieTheHubIsConfiguredToRead() throws Exception {
    try (Hub custom = Hub.start(config(AuthConfig.builder().jwtKey(SECRET).cookieName("heraldToken").build()))) {
      assertThat(HubHttp.json(HubHttp.get(custom.uri(), "/hub-ui.json")).get("cookieName").asText())
          .isEqualTo("heraldToken");
      openWithToken(custom.uri(), token(List.of(), List.of("users/42/**")));
      subscribe("users/42/*"); // anonymous subscribers are refused here, so the stream has the token
      publishAsBackend(custom.uri(), "users/42/inbox", "through heraldToken", true);
      awaitTrue("private update shown", () -> rows().contains("through heraldToken"));
      browser.open(hub.uri()); // leave the page (and its stream) before the hub stops
    }
  }
}
