package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cross-site request forgery with the cookie, over real sockets with real tokens: a browser sends
 * the {@code mercureAuthorization} cookie with a form that another site's page posts to
 * {@code /publish} (a simple request, no preflight, so CORS does not stop it), so a publish
 * authorized by the cookie from a foreign {@code Origin} (or {@code Referer}) is 403 and publishes
 * nothing; from the hub's own origin, a credentialed {@code --cors-origins} origin, or without
 * either header (curl, a backend) it is accepted; a token in the header or the query, which no
 * other site can set, is not checked.
 */
class HubCookiePublishOriginTest {
  private static final String TOPIC = "chat/room";
  private static final String APP = "https://app.example";
  private static final String EVIL = "https://evil.example";

  private final TestClock clock = new TestClock(HubAuthAttackTest.NOW.toEpochMilli());
  private final String token = TestTokens.hs256(SECRET, claims(HubAuthAttackTest.NOW, List.of("chat/*"),
      List.of("chat/*")).subject("ann").build());
  private final List<Hub> hubs = new ArrayList<>();
  private final List<SseTestClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(SseTestClient::close);
    hubs.forEach(Hub::close);
  }

  private URI start(HubLimits.Builder limits) {
    HubConfig config = HubConfig.builder().port(0).store(StoreKind.MEMORY).auth(AuthConfig.builder().jwtKey(SECRET)
        .build()).limits(limits.build()).build();
    Hub hub = Hub.start(config, AuthSetup.of(config, Map.of()), clock, new ManualTimer(clock));
    hubs.add(hub);
    return hub.uri();
  }

  /** A form publish of {@code data} with the token in the cookie and {@code headers} (name, value, …). */
  private HttpResponse<String> cookiePublish(URI hub, String data, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Cookie";
    all[1] = AuthConfig.DEFAULT_COOKIE_NAME + "=" + token;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return HubHttp.postForm(hub, HubHttp.form("topic", TOPIC, "data", data), all);
  }

  private SseTestClient subscribe(URI hub) throws Exception {
    SseTestClient c = SseTestClient.open(HttpRequest.newBuilder(hub.resolve("/events?topic=" + TOPIC))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET().build());
    clients.add(c);
    assertThat(c.response().statusCode()).isEqualTo(200);
    c.awaitRetry();
    return c;
  }

  private static void assertForged(HttpResponse<String> r, String origin) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(HubHttp.json(r).get("message").asText()).isEqualTo("a publish authorized by the mercureAuthorization"
        + " cookie is refused from origin '" + origin + "' (cross-site request forgery protection): only the hub's own"
        + " pages and the origins of --cors-origins (with credentials) may publish with the cookie; nothing was"
        + " published");
  }

  private static void assertPublished(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void aCookiePublishFromAForeignOriginIs403AndPublishesNothing() throws Exception {
    URI hub = start(HubLimits.builder().corsOrigins(List.of(APP)));
    SseTestClient watcher = subscribe(hub);
    assertForged(cookiePublish(hub, "forged", "Origin", EVIL), EVIL);
    assertForged(cookiePublish(hub, "forged", "Origin", "null"), "null"); // a sandboxed or privacy-stripped page
    assertForged(cookiePublish(hub, "forged", "Referer", EVIL + "/page?x=1"), EVIL); // no Origin: the Referer's
    assertForged(cookiePublish(hub, "forged", "Origin", "https://app.example.evil.example"),
        "https://app.example.evil.example");

    assertPublished(cookiePublish(hub, "from the app", "Origin", APP));
    String own = "http://127.0.0.1:" + hub.getPort();
    assertPublished(cookiePublish(hub, "from the hub's own page", "Origin", own));
    assertPublished(cookiePublish(hub, "own page, Referer only", "Referer", own + "/index.html"));
    assertPublished(cookiePublish(hub, "curl")); // neither header: not a browser's request
    // the header and the query parameter cannot be filled in by another site: not checked
    assertPublished(HubHttp.postForm(hub, HubHttp.form("topic", TOPIC, "data", "header"), "Authorization",
        "Bearer " + token, "Origin", EVIL));
    assertPublished(HubHttp.send(HttpRequest.newBuilder(hub.resolve("/publish?authorization=" + token))
        .header("Content-Type", PublishParser.FORM).header("Origin", EVIL)
        .POST(HttpRequest.BodyPublishers.ofString(HubHttp.form("topic", TOPIC, "data", "query"))).build()));

    assertThat(TokenHub.dataThrough(watcher, "query")).as("no forged publish arrived").containsExactly("from the app",
        "from the hub's own page", "own page, Referer only", "curl", "header", "query");
  }

  @Test
  void withoutCredentialedCorsOnlyTheHubsOwnOriginMayPublishWithTheCookie() {
    URI any = start(HubLimits.builder().corsOrigins(List.of("*"))); // '*' never carries credentials
    assertForged(cookiePublish(any, "forged", "Origin", EVIL), EVIL);
    assertPublished(cookiePublish(any, "own", "Origin", "http://127.0.0.1:" + any.getPort()));
    URI noCredentials = start(HubLimits.builder().corsOrigins(List.of(APP)).corsCredentials(false));
    assertForged(cookiePublish(noCredentials, "forged", "Origin", APP), APP);
    URI none = start(HubLimits.builder());
    assertForged(cookiePublish(none, "forged", "Origin", APP), APP);
    assertPublished(cookiePublish(none, "curl"));
  }

  @Test
  void aCorsOriginWrittenWithCapitalsOrItsDefaultPortIsTheOriginTheBrowserSends() {
    // CORS reads --cors-origins as origins (case and default port normalised); so does the cookie rule
    URI hub = start(HubLimits.builder().corsOrigins(List.of("HTTPS://App.Example:443")));
    assertPublished(cookiePublish(hub, "from the app", "Origin", APP));
    assertForged(cookiePublish(hub, "forged", "Origin", EVIL), EVIL);
  }

  @Test
  void aBadCookieTokenIsStill401WhateverTheOrigin() {
    URI hub = start(HubLimits.builder());
    HttpResponse<String> r = HubHttp.postForm(hub, HubHttp.form("topic", TOPIC, "data", "x"), "Cookie",
        AuthConfig.DEFAULT_COOKIE_NAME + "=" + TestTokens.hs256(TestTokens.OTHER_SECRET, claims(HubAuthAttackTest.NOW,
            List.of("*"), null).build()), "Origin", EVIL);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(HubHttp.json(r).get("message").asText()).isEqualTo("token refused (mercureAuthorization cookie): bad "
        + "signature: the token was not signed with the hub's publisher key");
  }
}
