package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static dev.herald.hub.TokenHub.dataThrough;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.core.MessageEvent;
import dev.herald.hub.TokenHub.Place;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The subscriber side of the attack matrix, over real sockets with real JWTs minted here (HS256
 * and RS256) and verified by the hub's own {@link JwtAuthenticator} built from an
 * {@link AuthConfig} ({@link TokenHub}): a private update never reaches a token whose
 * {@code mercure.subscribe} does not cover it — live, after a {@code Last-Event-ID}, from
 * {@code earliest}, after a gap — with the token in each of the three places, and always reaches one that
 * does; anonymous subscribers get public updates only; every refused token is a 401 with a JSON
 * message on {@code /events}, registers no stream and leaves the hub serving. Absence is always
 * proven by a public marker published after the private update. (The publish side of the matrix
 * is {@link HubAuthAttackTest}.)
 */
class HubSubscribeAttackTest {
  static final Instant NOW = HubAuthAttackTest.NOW;
  static final String TOPIC = "users/42/inbox";
  static final KeyPair RSA = TestTokens.rsa();

  @TempDir Path dir;
  private final List<TokenHub> hubs = new ArrayList<>();

  @AfterEach
  void stop() {
    hubs.forEach(TokenHub::close);
  }

  enum Keys { HS256, RS256 }

  /** Signs {@code claims} as the hub's {@code keys} expect. */
  private static String sign(Keys keys, JWTClaimsSet claims) {
    return keys == Keys.HS256 ? TestTokens.hs256(SECRET, claims) : TestTokens.rs256(RSA, claims);
  }

  private TokenHub start(Keys keys, AuthConfig.Builder auth) {
    String key = keys == Keys.HS256 ? SECRET : "file:" + TestTokens.publicPem(dir, "rsa.pem", RSA);
    TokenHub h = new TokenHub(auth.jwtKey(key).build(), new TestClock(NOW.toEpochMilli()),
        sign(keys, claims(NOW, List.of("*"), null).subject("backend").audience("herald").build()));
    hubs.add(h);
    return h;
  }

  private static String subscriber(Keys keys, List<String> subscribe) {
    return sign(keys, claims(NOW, null, subscribe).subject("user").build());
  }

  @ParameterizedTest
  @EnumSource(Keys.class)
  void aPrivateUpdateReachesOnlyTokensWhoseClaimCoversItLiveAfterAnIdAndFromEarliest(Keys keys) throws Exception {
    TokenHub hub = start(keys, AuthConfig.builder().anonymous(true));
    String owner = subscriber(keys, List.of("users/42/**"));
    Map<String, String> outsiders = new LinkedHashMap<>();
    outsiders.put("another user's claim", subscriber(keys, List.of("users/7/**")));
    outsiders.put("no subscribe claim", sign(keys, claims(NOW, null, null).build()));
    outsiders.put("an empty subscribe claim", subscriber(keys, List.of()));
    outsiders.put("a publish claim for every topic", sign(keys, claims(NOW, List.of("*"), null).build()));
    outsiders.put("no token (anonymous)", null);

    long before = hub.publish(TOPIC, "public before", false);
    List<SseTestClient> ownersLive = new ArrayList<>();
    Map<String, SseTestClient> outsidersLive = new LinkedHashMap<>();
    for (Place place : Place.values()) {
      ownersLive.add(hub.subscribe("topic=" + TOPIC, owner, place, null));
      for (Map.Entry<String, String> o : outsiders.entrySet()) {
        // the outsiders ask for everything: their selectors match, only the claim keeps the update away
        outsidersLive.put(o.getKey() + " in the " + place.source, hub.subscribe("topic=**", o.getValue(), place, null));
      }
    }
    hub.publish(TOPIC, "public", false);
    hub.publish(TOPIC, "secret", true);
    hub.publish(TOPIC, "marker", false); // public, after the private one: proves its absence

    for (SseTestClient c : ownersLive) {
      assertThat(dataThrough(c, "marker")).containsExactly("public", "secret", "marker");
    }
    for (Map.Entry<String, SseTestClient> o : outsidersLive.entrySet()) {
      assertThat(dataThrough(o.getValue(), "marker")).as("live, " + o.getKey()).containsExactly("public", "marker");
    }
    for (String resume : List.of(Long.toString(before), "earliest")) {
      List<String> history = resume.equals("earliest") ? List.of("public before") : List.of();
      for (Place place : Place.values()) {
        assertThat(dataThrough(hub.subscribe("topic=" + TOPIC, owner, place, resume), "marker"))
            .as("owner resuming %s, token in the %s", resume, place.source)
            .isEqualTo(concat(history, List.of("public", "secret", "marker")));
        for (Map.Entry<String, String> o : outsiders.entrySet()) {
          assertThat(dataThrough(hub.subscribe("topic=**", o.getValue(), place, resume), "marker"))
              .as("%s resuming %s in the %s", o.getKey(), resume, place.source)
              .isEqualTo(concat(history, List.of("public", "marker")));
        }
      }
    }
    // a resume point that cannot be honoured: the gap event, then everything retained, by the same rule
    for (Place place : Place.values()) {
      SseTestClient ownerGap = hub.subscribe("topic=" + TOPIC, owner, place, "not-an-id");
      assertThat(ownerGap.next().event()).isEqualTo(SubscribeHandler.GAP_EVENT);
      assertThat(dataThrough(ownerGap, "marker")).containsExactly("public before", "public", "secret", "marker");
      for (Map.Entry<String, String> o : outsiders.entrySet()) {
        SseTestClient c = hub.subscribe("topic=**", o.getValue(), place, "not-an-id");
        MessageEvent gap = c.next();
        assertThat(gap.event()).isEqualTo(SubscribeHandler.GAP_EVENT);
        assertThat(gap.data()).doesNotContain("secret").doesNotContain(TOPIC);
        assertThat(dataThrough(c, "marker")).as("%s after a gap in the %s", o.getKey(), place.source)
            .containsExactly("public before", "public", "marker");
      }
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  void withoutAnonymousASubscriberWithoutATokenIs401AndTheHubStillServes() throws Exception {
    TokenHub hub = start(Keys.HS256, AuthConfig.builder());
    HttpResponse<String> r = hub.refused(hub.events("topic=**", null, Place.HEADER, null));
    assertUnauthorized(r, "subscribing needs a token (this hub admits no anonymous subscribers): send "
        + "'Authorization: Bearer <token>' or the mercureAuthorization cookie");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    // an emptied cookie (a logout) is no token either
    assertUnauthorized(hub.refused(hub.events("topic=**", "", Place.COOKIE, null)), "subscribing needs a token (this"
        + " hub admits no anonymous subscribers): send 'Authorization: Bearer <token>' or the mercureAuthorization cookie");
    assertThat(hub.hub.broker().size()).isZero();
    SseTestClient good = hub.subscribe("topic=" + TOPIC, subscriber(Keys.HS256, List.of(TOPIC)), Place.HEADER, null);
    hub.publish(TOPIC, "secret", true);
    assertThat(good.next().data()).isEqualTo("secret");
  }

  /**
   * Every way a token is refused, in each of the three places, on {@code /events} of an RS256 hub
   * that also admits anonymous subscribers (a refused token is not downgraded to anonymous): 401,
   * the reason as JSON, no stream registered; after each, a good subscriber is still served.
   */
  @Test
  void everyRefusedTokenIs401WithItsReasonOnEventsToo() throws Exception {
    TokenHub hub = start(Keys.RS256, AuthConfig.builder().anonymous(true).audience("herald"));
    Path pem = dir.resolve("rsa.pem");
    JWTClaimsSet all = claims(NOW, null, List.of("*")).audience("herald").build();
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(TestTokens.unsigned(all, ""), "alg 'none' (an unsigned token) is never accepted");
    // key confusion: HMAC keyed with the public key's PEM text, which an attacker can know
    cases.put(TestTokens.sign(new MACSigner(Files.readAllBytes(pem)), JWSAlgorithm.HS256, all),
        "alg 'HS256' is not accepted: the hub's subscriber key takes RS256, RS384, RS512, PS256, PS384, PS512");
    cases.put(TestTokens.rs256(TestTokens.rsa(), all),
        "bad signature: the token was not signed with the hub's subscriber key");
    String narrow = TestTokens.rs256(RSA, claims(NOW, null, List.of("users/7/**")).audience("herald").build());
    cases.put(TestTokens.withPayload(narrow, all), "bad signature: the token was not signed with the hub's subscriber key");
    cases.put(TestTokens.rs256(RSA, claims(NOW, null, List.of("*")).audience("herald")
        .expirationTime(Date.from(NOW.minusSeconds(1))).build()), "expired at 2027-01-15T07:59:59Z (exp); the hub's "
        + "time is 2027-01-15T08:00:00Z and no clock skew is allowed");
    cases.put(TestTokens.rs256(RSA, claims(NOW, null, List.of("*")).audience("herald")
        .notBeforeTime(Date.from(NOW.plusSeconds(1))).build()), "not valid before 2027-01-15T08:00:01Z (nbf); the "
        + "hub's time is 2027-01-15T08:00:00Z and no clock skew is allowed");
    cases.put(TestTokens.rs256(RSA, claims(NOW, null, List.of("*")).audience("other").build()),
        "aud [other] does not include the expected audience 'herald'");
    cases.put(TestTokens.rs256(RSA, claims(NOW, null, List.of("*")).build()),
        "aud is missing; this hub accepts only tokens for audience 'herald'");
    String good = TestTokens.rs256(RSA, claims(NOW, null, List.of("users/42/**")).audience("herald").build());

    SseTestClient watcher = hub.subscribe("topic=" + TOPIC, good, Place.HEADER, null);
    int marker = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      for (Place place : Place.values()) {
        HttpResponse<String> r = hub.refused(hub.events("topic=**", c.getKey(), place, null));
        assertUnauthorized(r, "token refused (" + place.source + "): " + c.getValue());
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
        assertThat(hub.hub.broker().size()).as("no stream registered").isEqualTo(1);
        // the hub still serves: a good subscriber in the same place gets a private update, then the watcher too
        try (SseTestClient again = hub.subscribe("topic=" + TOPIC, good, place, null)) {
          String data = "after " + ++marker;
          hub.publish(TOPIC, data, true);
          assertThat(again.next().data()).isEqualTo(data);
          assertThat(watcher.next().data()).isEqualTo(data);
        }
        await().atMost(TokenHub.T).until(() -> hub.hub.broker().size() == 1); // the closed one is gone
      }
    }
  }

  /** The first place present is the token, for what it grants too: a narrower header token wins over the cookie. */
  @Test
  void onEventsTheHeaderWinsOverTheQueryWhichWinsOverTheCookie() throws Exception {
    TokenHub hub = start(Keys.HS256, AuthConfig.builder().anonymous(true));
    String owner = subscriber(Keys.HS256, List.of("users/42/**"));
    String other = subscriber(Keys.HS256, List.of("users/7/**"));
    String bad = TestTokens.hs256(TestTokens.OTHER_SECRET, claims(NOW, null, List.of("*")).build());
    String badSignature = "bad signature: the token was not signed with the hub's subscriber key";

    assertUnauthorized(hub.refused(withThree(hub, bad, owner, owner)),
        "token refused (Authorization header): " + badSignature);
    assertUnauthorized(hub.refused(withThree(hub, null, bad, owner)),
        "token refused (authorization query parameter): " + badSignature);
    SseTestClient headerOwner = hub.subscribe(withThree(hub, owner, bad, bad));
    SseTestClient headerOther = hub.subscribe(withThree(hub, other, owner, owner));
    SseTestClient queryOwner = hub.subscribe(withThree(hub, null, owner, bad));
    SseTestClient queryOther = hub.subscribe(withThree(hub, null, other, owner));
    hub.publish(TOPIC, "secret", true);
    hub.publish(TOPIC, "marker", false);
    assertThat(dataThrough(headerOwner, "marker")).containsExactly("secret", "marker");
    assertThat(dataThrough(headerOther, "marker")).containsExactly("marker");
    assertThat(dataThrough(queryOwner, "marker")).containsExactly("secret", "marker");
    assertThat(dataThrough(queryOther, "marker")).containsExactly("marker");
  }

  /** {@code /events?topic=users/42/inbox} with a token in the header, the query and the cookie (null: absent). */
  private static HttpRequest withThree(TokenHub hub, String header, String query, String cookie) {
    HttpRequest base = hub.events("topic=" + TOPIC, query, Place.QUERY, null);
    HttpRequest.Builder b = HttpRequest.newBuilder(base.uri())
        .header("Accept", "text/event-stream");
    if (header != null) {
      b.header("Authorization", "Bearer " + header);
    }
    if (cookie != null) {
      b.header("Cookie", AuthConfig.DEFAULT_COOKIE_NAME + "=" + cookie);
    }
    return b.GET().build();
  }

  private static void assertUnauthorized(HttpResponse<String> r, String message) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(HubHttp.json(r).get("status").asInt()).isEqualTo(401);
    assertThat(HubHttp.json(r).get("message").asText()).isEqualTo(message);
    assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
  }
}
