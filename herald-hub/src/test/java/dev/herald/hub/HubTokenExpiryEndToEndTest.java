package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.core.MessageEvent;
import dev.herald.hub.TokenHub.Place;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Token expiry end to end, with real HS256 tokens verified by the hub's {@link JwtAuthenticator}
 * built from an {@link AuthConfig}: a subscriber's stream is closed when its token's {@code exp}
 * passes; reconnecting with the same token is a 401 saying it expired; with a fresh token and
 * the {@code Last-Event-ID} it was last sent, it gets every update published while it was away —
 * private ones included — and nothing twice. Time is one {@link TestClock} for the JWT verifier
 * and the expiry timer ({@link Hub#start(HubConfig, AuthSetup, java.time.Clock, TokenExpiry.Timer)}),
 * set far from the wall clock: the tokens are valid only by the test clock ({@code nbf} is later
 * than the wall clock's now), so a verifier on another clock than the expiry's would fail here.
 */
class HubTokenExpiryEndToEndTest {
  private static final Instant START = HubAuthAttackTest.NOW; // 2027-01-15T08:00:00Z, after the wall clock
  private static final String TOPIC = "users/42/inbox";

  private TokenHub hub;

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private TokenHub start() {
    TestClock clock = new TestClock(START.toEpochMilli());
    hub = new TokenHub(AuthConfig.builder().jwtKey(SECRET).build(), clock,
        TestTokens.hs256(SECRET, claims(START, List.of("*"), null).build())); // valid until START + 1 h
    return hub;
  }

  /** A subscriber token for users/42/** valid from {@code from} (nbf) for {@code ttl}. */
  private static String token(Instant from, Duration ttl) {
    JWTClaimsSet c = claims(from, null, List.of("users/42/**")).subject("42").notBeforeTime(Date.from(from))
        .expirationTime(Date.from(from.plus(ttl))).build();
    return TestTokens.hs256(SECRET, c);
  }

  private Instant now() {
    return hub.clock.instant();
  }

  @ParameterizedTest
  @EnumSource(Place.class)
  void aStreamClosedAtExpiryIsRefusedWithTheSameTokenAndResumesWithAFreshOneMissingNothing(Place place)
      throws Exception {
    start();
    String first = token(now(), Duration.ofSeconds(60));
    SseTestClient c = hub.subscribe("topic=" + TOPIC, first, place, null);
    hub.publish(TOPIC, "p1", false);
    hub.publish(TOPIC, "s1", true);
    assertThat(c.next(2)).extracting(MessageEvent::data).containsExactly("p1", "s1");

    hub.timer.advance(Duration.ofSeconds(59).plusMillis(999));
    hub.publish(TOPIC, "s2", true); // still open a millisecond before exp, and served
    MessageEvent lastSeen = c.next();
    assertThat(lastSeen.data()).isEqualTo("s2");
    hub.timer.advance(Duration.ofMillis(1));
    assertThat(c.awaitEnd()).as("closed at the token's exp").isTrue();
    assertThat(hub.metric("herald_token_expiry_closes_total")).isEqualTo(1.0);

    // published while it is away
    List<Long> missed = new ArrayList<>();
    missed.add(hub.publish(TOPIC, "p3", false));
    missed.add(hub.publish(TOPIC, "s3", true));
    missed.add(hub.publish(TOPIC, "p4", false));

    HttpResponse<String> again = hub.refused(hub.events("topic=" + TOPIC, first, place, lastSeen.lastEventId()));
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(HubHttp.json(again).get("message").asText()).isEqualTo("token refused (" + place.source
        + "): expired at 2027-01-15T08:01:00Z (exp); the hub's time is 2027-01-15T08:01:00Z and no clock skew is"
        + " allowed");
    assertThat(again.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    assertThat(hub.hub.broker().size()).isZero();

    SseTestClient resumed = hub.subscribe("topic=" + TOPIC, token(now(), Duration.ofSeconds(60)), place,
        lastSeen.lastEventId());
    missed.add(hub.publish(TOPIC, "s5", true)); // and live again
    List<MessageEvent> got = resumed.next(4);
    assertThat(got).extracting(MessageEvent::data).containsExactly("p3", "s3", "p4", "s5");
    assertThat(got).extracting(e -> Long.parseLong(e.lastEventId())).isEqualTo(missed);
    long marker = hub.publish(TOPIC, "marker", false); // nothing else (no duplicate) comes before it
    assertThat(resumed.next().lastEventId()).isEqualTo(Long.toString(marker));

    // the fresh token expires in its turn, by the same clock
    hub.timer.advance(Duration.ofSeconds(60));
    assertThat(resumed.awaitEnd()).isTrue();
    assertThat(hub.metric("herald_token_expiry_closes_total")).isEqualTo(2.0);
  }

  /** The publisher's token expires by the same clock: a publish after its exp is 401. */
  @Test
  void aPublishWithATokenThatExpiredOnTheHubsClockIs401() throws Exception {
    start();
    SseTestClient c = hub.subscribe("topic=" + TOPIC, token(now(), Duration.ofHours(2)), Place.HEADER, null);
    hub.publish(TOPIC, "before", false);
    assertThat(c.next().data()).isEqualTo("before");
    hub.timer.advance(Duration.ofHours(1));
    HttpResponse<String> r = HubHttp.postForm(hub.uri, HubHttp.form("topic", TOPIC, "data", "late"), "Authorization",
        "Bearer " + TestTokens.hs256(SECRET, claims(START, List.of("*"), null).build()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(HubHttp.json(r).get("message").asText()).isEqualTo("token refused (Authorization header): expired at "
        + "2027-01-15T09:00:00Z (exp); the hub's time is 2027-01-15T09:00:00Z and no clock skew is allowed");
    // the subscriber, whose token lasts longer, is still open and gets what a fresh publisher token publishes
    String fresh = TestTokens.hs256(SECRET, claims(now(), List.of("*"), null).build());
    HttpResponse<String> ok = HubHttp.postForm(hub.uri, HubHttp.form("topic", TOPIC, "data", "after"),
        "Authorization", "Bearer " + fresh);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(c.next().data()).as("nothing of the refused publish arrived first").isEqualTo("after");
  }

  /**
   * What a user gets from the public {@link Hub#start(HubConfig)}: the system clock and the hub's
   * own timer thread close a stream at its token's {@code exp} (about two seconds from now, more
   * on a machine too busy to subscribe that fast — the one test here that waits on the wall
   * clock, for the production timer; the verdict does not depend on speed), and the same token is
   * then refused.
   */
  @Test
  void thePublicStartClosesAStreamAtItsTokensExpiryByTheSystemClock() throws Exception {
    HubConfig config = HubConfig.builder().port(0).store(StoreKind.MEMORY).auth(AuthConfig.builder().jwtKey(SECRET)
        .build()).build();
    try (Hub started = Hub.start(config)) {
      // precondition, not verdict: the subscribe must reach the hub before exp; a machine too busy
      // for that gets its 401 and another token that expires twice as far away
      Instant exp = null;
      HttpRequest request = null;
      SseTestClient c = null;
      for (long seconds = 2; c == null; seconds *= 2) {
        assertThat(seconds).as("a subscribe that arrives before its token's exp").isLessThanOrEqualTo(64);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        exp = now.plusSeconds(seconds);
        String token = TestTokens.hs256(SECRET, claims(now, null, List.of("users/42/**"))
            .expirationTime(Date.from(exp)).build());
        request = HttpRequest.newBuilder(started.uri().resolve("/events?topic=" + TOPIC))
            .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET().build();
        SseTestClient opened = SseTestClient.open(request);
        if (opened.response().statusCode() == 200) {
          c = opened;
        } else {
          assertThat(opened.response().statusCode()).isEqualTo(401);
          opened.close();
        }
      }
      try (SseTestClient stream = c) {
        assertThat(stream.awaitEnd()).as("closed at exp").isTrue();
        assertThat(Instant.now()).as("not before exp").isAfterOrEqualTo(exp);
      }
      HttpResponse<String> again = HubHttp.send(request);
      assertThat(again.statusCode()).isEqualTo(401);
      assertThat(HubHttp.json(again).get("message").asText()).startsWith("token refused (Authorization header): expired"
          + " at " + exp + " (exp)");
      assertThat(started.metrics().scrape()).contains("herald_token_expiry_closes_total 1");
    }
  }
}
