package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static dev.herald.hub.TestTokens.hs256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.HeraldServer;
import dev.herald.server.Request;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import dev.herald.testing.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A browser app on another origin subscribing to the hub with the token cookie, in headless
 * Chromium, as the README's "From a browser app" describes: the app's backend sets
 * {@code mercureAuthorization} as an {@code HttpOnly} cookie the hub's host receives (here both
 * run on 127.0.0.1 — a cookie belongs to a host, not a port — where a deployment would use
 * {@code Domain=} of a shared parent domain), and the page opens
 * {@code new EventSource(hub, {withCredentials: true})}. The hub (a real HS256 key, real tokens
 * minted here, {@code --cors-origins} listing the allowed app) verifies the cookie with its own
 * configuration.
 *
 * <p>The allowed app's page receives the private update its token covers, not another one, and
 * a public marker published last. A page from an origin not listed, framed in the same window
 * with the same cookie, gets nothing: its stream's request does reach the hub with the cookie and
 * is admitted (anonymous subscribers are refused here, and the hub records the token's subject),
 * but without CORS headers the browser withholds the answer, fires {@code onerror} and closes the
 * stream for good — while the allowed page, open all along, receives the marker.
 * Skipped, with the reason, where Chromium is not installed (fails instead under {@code CI=true}).
 */
class HubCrossOriginBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.now();
  private static final String BACKEND = hs256(SECRET, claims(NOW, List.of("*"), null).build());
  private static final String USER = hs256(SECRET, claims(NOW, null, List.of("users/42/**")).subject("u42").build());
  /** The app: a page that opens a credentialed EventSource (and, framed, reports to its parent). */
  private static final String PAGE = """
      <!doctype html><title>app</title><script>
      window.got = []; window.errors = 0; window.opened = false; window.framed = null;
      function report() {
        if (parent !== window) {
          parent.postMessage({got: window.got, errors: window.errors, opened: window.opened,
            state: window.es.readyState}, '*');
        }
      }
      function start(url) {
        const es = new EventSource(url, {withCredentials: true});
        window.es = es;
        es.onopen = () => { window.opened = true; report(); };
        es.onmessage = (e) => { window.got.push(e.data); report(); };
        es.onerror = () => { window.errors++; report(); };
      }
      function frame(page, url) {
        const f = document.createElement('iframe');
        f.src = page + '#' + encodeURIComponent(url);
        document.body.append(f);
      }
      window.addEventListener('message', (e) => { window.framed = Object.assign({origin: e.origin}, e.data); });
      if (location.hash) start(decodeURIComponent(location.hash.slice(1)));
      </script>""";

  /** "origin subject" of each subscription the hub admitted, in order. */
  private static final Queue<String> admitted = new ConcurrentLinkedQueue<>();
  private static HeraldServer allowedApp;
  private static HeraldServer otherApp;
  private static Hub hub;
  private static HeadlessChromium browser;

  /** An app server whose backend logs the user in: the page comes with the hub's token cookie. */
  private static HeraldServer app() {
    String cookie = AuthConfig.DEFAULT_COOKIE_NAME + "=" + USER + "; Path=/; HttpOnly; SameSite=Strict";
    return HeraldServer.builder().host("127.0.0.1").port(0).routing(Routing.builder()
        .get("/app.html", (Request req) -> Response.builder().status(200).header("Set-Cookie", cookie)
            .body(PAGE.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8").build())
        .build()).build().start();
  }

  private static String origin(HeraldServer s) {
    return "http://127.0.0.1:" + s.port();
  }

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    allowedApp = app();
    otherApp = app();
    HubConfig config = HubConfig.builder().port(0).store(StoreKind.MEMORY)
        .auth(AuthConfig.builder().jwtKey(SECRET).build())
        .limits(HubLimits.builder().corsOrigins(List.of(origin(allowedApp))).build()).build();
    Authenticator verifier = AuthSetup.of(config, Map.of()).authenticator(Clock.systemUTC());
    Authenticator recording = new Authenticator() {
      @Override
      public Access subscriber(Request request) {
        Access access = verifier.subscriber(request); // throws (401) for a refused or missing token
        admitted.add(request.header("Origin").orElse("-") + " " + access.subject().orElse("-"));
        return access;
      }

      @Override
      public Access publisher(Request request) {
        return verifier.publisher(request);
      }
    };
    hub = Hub.start(config, new MemoryHistoryStore(config.storeLimits()), Subscription.DEFAULT_MAX_PENDING, recording);
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
    for (HeraldServer s : new HeraldServer[] {allowedApp, otherApp}) {
      if (s != null) {
        s.stop();
      }
    }
  }

  private static void awaitTrue(String what, Callable<Boolean> condition) {
    await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition);
  }

  private static void publish(String topic, String data, boolean isPrivate) {
    String form = isPrivate ? HubHttp.form("topic", topic, "data", data, "private", "on")
        : HubHttp.form("topic", topic, "data", data);
    HttpResponse<String> r = HubHttp.postForm(hub.uri(), form, "Authorization", "Bearer " + BACKEND);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void anAllowedOriginReceivesPrivateUpdatesWithTheCookieAndAnotherOriginNothing() throws Exception {
    String events = hub.uri().resolve("/events?topic=users/42/**&topic=news/*").toString();
    browser.open(URI.create(origin(allowedApp) + "/app.html"));
    assertThat(browser.script("return document.cookie").asText()).as("HttpOnly: no script of the page reads it")
        .doesNotContain(USER);
    browser.script("start(arguments[0]);", events);
    awaitTrue("the allowed page's stream is open", () -> browser.script("return window.opened").asBoolean());
    assertThat(admitted).containsExactly(origin(allowedApp) + " u42");

    browser.script("frame(arguments[0], arguments[1]);", origin(otherApp) + "/app.html", events);
    awaitTrue("the hub admitted the other origin's stream, with the cookie's token",
        () -> admitted.contains(origin(otherApp) + " u42"));
    awaitTrue("the browser failed the other origin's stream for good", () -> browser.script(
        "return window.framed !== null && window.framed.errors > 0 && window.framed.state === 2").asBoolean());

    publish("users/42/inbox", "for user 42", true);
    publish("users/7/inbox", "for user 7", true);
    publish("news/today", "public marker", false);
    awaitTrue("marker received", () -> browser.script("return window.got.includes('public marker')").asBoolean());
    assertThat(browser.script("return window.got.join('|')").asText()).isEqualTo("for user 42|public marker");
    assertThat(browser.script("return window.errors").asInt()).isZero();

    JsonNode framed = browser.script("return window.framed");
    assertThat(framed.get("origin").asText()).isEqualTo(origin(otherApp));
    assertThat(framed.get("got")).as("the other origin's page received nothing").isEmpty();
    assertThat(framed.get("opened").asBoolean()).isFalse();
  }
}
