package dev.herald.hub;

import static dev.herald.hub.MercureEndpointTest.enc;
import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.core.MessageEvent;
import dev.herald.hub.TokenHub.Place;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Authorization on {@code /.well-known/mercure} is exactly that of {@code /events} and
 * {@code /publish}: the same tokens in the same three places, the private-updates rule, a stream
 * closed when its token expires (by the hub's {@link TestClock}, moved by hand), a publisher
 * limited to its {@code mercure.publish} claim (403, nothing published), and the cookie's
 * cross-site rule for publishes. Real HS256 tokens verified by the hub's {@link JwtAuthenticator}.
 */
class MercureAuthTest {
  private static final Instant START = HubAuthAttackTest.NOW;
  private static final String INBOX = "https://example.com/users/42/inbox";

  private TokenHub hub;
  private MercureHttp mercure;
  private String publisher;

  @BeforeEach
  void start() {
    publisher = TestTokens.hs256(SECRET, claims(START, List.of("*"), null).build());
    hub = new TokenHub(AuthConfig.builder().jwtKey(SECRET).build(), new TestClock(START.toEpochMilli()), publisher);
    mercure = new MercureHttp(hub.uri);
  }

  @AfterEach
  void stop() {
    mercure.close();
    hub.close();
  }

  private static String subscriber(Instant from, Duration ttl) {
    JWTClaimsSet c = claims(from, null, List.of(INBOX)).expirationTime(Date.from(from.plus(ttl))).build();
    return TestTokens.hs256(SECRET, c);
  }

  @ParameterizedTest
  @EnumSource(Place.class)
  void aTokenInAnyPlaceReadsPrivateUpdatesAndIsClosedAtItsExpiry(Place place) throws Exception {
    SseTestClient c = mercure.subscribe(mercure.subscribeRequest("topic=" + enc(INBOX), subscriber(START,
        Duration.ofSeconds(60)), place));
    mercure.published(publisher, "topic", INBOX, "data", "secret", "private", "on");
    mercure.published(publisher, "topic", INBOX, "data", "public");
    assertThat(c.next(2)).extracting(MessageEvent::data).containsExactly("secret", "public");

    hub.timer.advance(Duration.ofSeconds(59).plusMillis(999));
    mercure.published(publisher, "topic", INBOX, "data", "still open");
    assertThat(c.next().data()).isEqualTo("still open");
    hub.timer.advance(Duration.ofMillis(1));
    assertThat(c.awaitEnd()).as("closed at the token's exp").isTrue();

    HttpResponse<String> again = hub.refused(mercure.subscribeRequest("topic=" + enc(INBOX), subscriber(START,
        Duration.ofSeconds(60)), place));
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
  }

  @Test
  void withoutAnonymousSubscribersATokenlessSubscribeIs401() {
    HttpResponse<String> r = hub.refused(mercure.subscribeRequest("topic=" + enc(INBOX), null, Place.HEADER));
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void aPublisherOutsideItsClaimIs403AndNothingIsPublished() throws Exception {
    String books = TestTokens.hs256(SECRET, claims(START, List.of("https://example.com/books/1"), null).build());
    SseTestClient c = mercure.subscribe("topic=" + enc(INBOX), subscriber(START, Duration.ofHours(1)));
    HttpResponse<String> r = mercure.publish(books, "topic", "https://example.com/books/1", "topic", INBOX, "data", "x");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(HubHttp.json(r).get("message").asText()).contains(INBOX).contains("nothing was published");
    assertThat(mercure.publish(null, "topic", INBOX, "data", "x").statusCode()).isEqualTo(401);
    mercure.published(publisher, "topic", INBOX, "data", "marker");
    assertThat(c.next().data()).isEqualTo("marker");
  }

  @Test
  void aCookiePublishFromAnotherSiteIs403AndFromTheHubsOwnPageIsAccepted() throws Exception {
    String cookie = AuthConfig.DEFAULT_COOKIE_NAME + "=" + publisher;
    String form = HubHttp.form("topic", INBOX, "data", "forged");
    HttpResponse<String> forged = HubHttp.send(mercure.publishRequest(form, "Cookie", cookie,
        "Origin", "https://evil.example"));
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
    assertThat(hub.hub.store().lastId()).isZero();

    String own = "http://" + hub.uri.getHost() + ":" + hub.uri.getPort();
    HttpResponse<String> ok = HubHttp.send(mercure.publishRequest(HubHttp.form("topic", INBOX, "data", "mine"),
        "Cookie", cookie, "Origin", own));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1");
  }
}
