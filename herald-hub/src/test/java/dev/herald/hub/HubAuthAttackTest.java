package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static dev.herald.hub.TestTokens.hs256;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack matrix over real sockets: every refused token gets 401 and the exact JSON message,
 * a publish outside {@code mercure.publish} 403, and after each the hub still takes a good publish.
 */
class HubAuthAttackTest {
  static final Instant NOW = Instant.ofEpochMilli(1_800_000_000_000L); // 2027-01-15T08:00:00Z
  static final String BEARER = "Authorization header";

  @TempDir Path dir;
  private final TestClock clock = new TestClock(NOW.toEpochMilli());
  private final List<Hub> hubs = new ArrayList<>();
  private final List<SseTestClient> clients = new ArrayList<>();
  private URI hub;
  private String good;

  @AfterEach
  void stop() {
    clients.forEach(SseTestClient::close);
    hubs.forEach(Hub::close);
  }

  private URI start(AuthConfig auth) {
    HubConfig config = HubConfig.builder().port(0).store(StoreKind.MEMORY).auth(auth).build();
    AuthSetup setup = AuthSetup.of(config, Map.of());
    assertThat(setup.problems).isEmpty();
    Hub h = Hub.start(config, setup, clock, new ManualTimer(clock)); // one clock for the verifier and token expiry
    hubs.add(h);
    return h.uri();
  }

  private void startHmac() {
    hub = start(AuthConfig.builder().jwtKey(SECRET).build());
    good = hs256(SECRET, claims(NOW, List.of("*"), List.of("**")).build());
  }

  private static HttpResponse<String> publish(URI hub, String topic, String... headers) {
    return HubHttp.postForm(hub, HubHttp.form("topic", topic, "data", "x"), headers);
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  /** {@code r} is {@code status} with exactly {@code message}; then a good publish still succeeds. */
  private void assertRefused(HttpResponse<String> r, int status, String message) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(HubHttp.json(r).get("message").asText()).isEqualTo(message);
    assertThat(HubHttp.json(r).get("status").asInt()).isEqualTo(status);
    if (status == 401) {
      assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }
    HttpResponse<String> ok = publish(hub, "chat/after", "Authorization", bearer(good));
    assertThat(ok.statusCode()).as("the hub still takes a good publish: " + ok.body()).isEqualTo(200);
  }

  private void assertTokenRefused(String token, String reason) {
    assertRefused(publish(hub, "chat/a", "Authorization", bearer(token)), 401,
        "token refused (" + BEARER + "): " + reason);
  }

  @Test
  void aGoodTokenPublishesAndNoTokenIs401() {
    startHmac();
    assertThat(publish(hub, "chat/a", "Authorization", bearer(good)).statusCode()).isEqualTo(200);
    HttpResponse<String> none = publish(hub, "chat/a");
    assertRefused(none, 401, "publishing needs a token: send 'Authorization: Bearer <token>' (or the "
        + "mercureAuthorization cookie) with a JWT whose mercure.publish claim covers the topics");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void unsignedTokensAreRefusedAsAlgNone() {
    startHmac();
    JWTClaimsSet claims = claims(NOW, List.of("*"), null).build();
    String reason = "alg 'none' (an unsigned token) is never accepted";
    assertTokenRefused(TestTokens.unsigned(claims, ""), reason);
    assertTokenRefused(TestTokens.unsigned(claims, good.split("\\.")[2]), reason); // with a signature part
  }

  @Test
  void wrongKeyAndTamperedPayloadAreBadSignatures() {
    startHmac();
    String reason = "bad signature: the token was not signed with the hub's publisher key";
    assertTokenRefused(hs256(TestTokens.OTHER_SECRET, claims(NOW, List.of("*"), null).build()), reason);
    String narrow = hs256(SECRET, claims(NOW, List.of("chat/*"), null).build());
    assertTokenRefused(TestTokens.withPayload(narrow, claims(NOW, List.of("*"), null).subject("admin").build()), reason);
  }

  @Test
  void anAlgorithmTheSecretIsTooShortForIsRefused() throws JOSEException {
    startHmac();
    byte[] longer = (SECRET + SECRET).getBytes(StandardCharsets.UTF_8); // a different key, long enough for HS512
    String hs512 = TestTokens.sign(new MACSigner(longer), JWSAlgorithm.HS512, claims(NOW, List.of("*"), null).build());
    assertTokenRefused(hs512, "alg 'HS512' is not accepted: the hub's publisher key takes HS256");
  }

  @Test
  void expiredAndNotYetValidTokensSayWhenAndThatNoSkewIsAllowed() {
    startHmac();
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).expirationTime(Date.from(NOW.minusSeconds(1)))
        .build()), "expired at 2027-01-15T07:59:59Z (exp); the hub's time is 2027-01-15T08:00:00Z and no clock skew"
        + " is allowed");
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).expirationTime(Date.from(NOW)).build()),
        "expired at 2027-01-15T08:00:00Z (exp); the hub's time is 2027-01-15T08:00:00Z and no clock skew is allowed");
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).notBeforeTime(Date.from(NOW.plusSeconds(1)))
        .build()), "not valid before 2027-01-15T08:00:01Z (nbf); the hub's time is 2027-01-15T08:00:00Z and no clock"
        + " skew is allowed");
    String later = hs256(SECRET, claims(NOW, List.of("*"), null).notBeforeTime(Date.from(NOW.plusSeconds(60))).build());
    clock.advance(java.time.Duration.ofSeconds(60));
    assertThat(publish(hub, "chat/a", "Authorization", bearer(later)).statusCode()).isEqualTo(200);
  }

  @Test
  void wrongIssuerAndAudienceAreRefused() {
    hub = start(AuthConfig.builder().jwtKey(SECRET).issuer("https://auth.example").audience("herald").build());
    good = hs256(SECRET, claims(NOW, List.of("*"), null).issuer("https://auth.example").audience("herald").build());
    assertThat(publish(hub, "chat/a", "Authorization", bearer(good)).statusCode()).isEqualTo(200);
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).audience("herald").build()),
        "iss is missing; this hub accepts only tokens issued by 'https://auth.example'");
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).issuer("https://evil.example").audience("herald")
        .build()), "iss 'https://evil.example' is not the expected issuer 'https://auth.example'");
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).issuer("https://auth.example").build()),
        "aud is missing; this hub accepts only tokens for audience 'herald'");
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).issuer("https://auth.example")
        .audience(List.of("other", "more")).build()), "aud [other, more] does not include the expected audience 'herald'");
  }

  @Test
  void malformedTokensAndHeadersAreRefused() {
    startHmac();
    assertTokenRefused("not-a-jwt", "malformed token: Invalid JWT serialization: Missing dot delimiter(s)");
    assertTokenRefused("bm90IGpzb24.e30.x", "malformed token: Invalid unsecured/JWS/JWE header: Invalid JSON object");
    // a well-formed header with a payload that is not base64url: the signature check refuses it first
    assertTokenRefused("eyJhbGciOiJIUzI1NiJ9.!!!.x", "bad signature: the token was not signed with the hub's publisher key");
    assertRefused(publish(hub, "chat/a", "Authorization", "Basic dXNlcjpwYXNz"), 401,
        "token refused (Authorization header): the Authorization header must be 'Bearer <token>', not the 'Basic' scheme");
    assertRefused(publish(hub, "chat/a", "Authorization", "Bearer "), 401,
        "token refused (Authorization header): the Authorization header has no token after 'Bearer'");
  }

  @Test
  void invalidMercureClaimsAreRefused() {
    startHmac();
    assertTokenRefused(hs256(SECRET, claims(NOW, null, null).claim("mercure", Map.of("publish", "chat/*")).build()),
        "mercure.publish must be an array of strings (topic selectors, or \"*\" for every topic)");
    assertTokenRefused(hs256(SECRET, claims(NOW, null, null).claim("mercure", Map.of("publish", List.of(1))).build()),
        "mercure.publish must be an array of strings: item 0 is not a string");
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("chat/*", "a b"), null).build()),
        "mercure.publish: 'a b' is not a topic selector: selector 'a b' contains a space, control or invalid character");
    assertTokenRefused(hs256(SECRET, claims(NOW, null, List.of("x/**/y")).build()),
        "mercure.subscribe: 'x/**/y' is not a topic selector: " + Topics.selectorProblem("x/**/y"));
    assertTokenRefused(hs256(SECRET, claims(NOW, null, null).claim("mercure", "all").build()),
        "the mercure claim must be a JSON object");
    assertTokenRefused(hs256(SECRET, new JWTClaimsSet.Builder().claim("exp", "tomorrow").build()),
        "malformed claims: Unexpected type of JSON object member exp");
  }

  @Test
  void aPublishOutsideTheClaimIs403AndABatchIsAllOrNothing() throws Exception {
    startHmac();
    String chat = hs256(SECRET, claims(NOW, List.of("chat/*"), null).build());
    assertThat(publish(hub, "chat/a", "Authorization", bearer(chat)).statusCode()).isEqualTo(200);
    assertRefused(publish(hub, "news/a", "Authorization", bearer(chat)), 403,
        "the token may not publish to 'news/a': its mercure.publish claim does not cover it; nothing was published");
    // an event with two topics needs both covered
    assertRefused(HubHttp.postForm(hub, HubHttp.form("topic", "chat/a", "topic", "news/b", "data", "x"),
        "Authorization", bearer(chat)), 403,
        "the token may not publish to 'news/b': its mercure.publish claim does not cover it; nothing was published");
    // a token without mercure.publish may publish nothing
    String none = hs256(SECRET, claims(NOW, null, List.of("**")).build());
    assertRefused(publish(hub, "chat/a", "Authorization", bearer(none)), 403,
        "the token may not publish to 'chat/a': its mercure.publish claim does not cover it; nothing was published");

    SseTestClient all = subscribe(hub, "**");
    assertRefused(HubHttp.postJson(hub, "[{\"topic\":\"chat/a\",\"data\":\"1\"},{\"topic\":\"news/b\",\"data\":\"2\"}]",
        "Authorization", bearer(chat)), 403, "item 1: the token may not publish to 'news/b': its mercure.publish "
        + "claim does not cover it; nothing was published");
    // nothing of the batch arrived: the next event is the good publish assertRefused made, then a marker
    assertThat(all.next().data()).isEqualTo("x");
    HttpResponse<String> marker = HubHttp.postForm(hub, HubHttp.form("topic", "chat/marker", "data", "marker"),
        "Authorization", bearer(good));
    MessageEvent next = all.next();
    assertThat(next.data()).isEqualTo("marker");
    assertThat(next.lastEventId()).isEqualTo(HubHttp.json(marker).get("id").asText());
  }

  private SseTestClient subscribe(URI hub, String topic) throws Exception {
    SseTestClient c = SseTestClient.open(HttpRequest.newBuilder(hub.resolve("/events?topic=" + topic))
        .header("Accept", "text/event-stream").header("Authorization", bearer(good)).GET().build());
    clients.add(c);
    assertThat(c.response().statusCode()).isEqualTo(200);
    c.awaitRetry();
    return c;
  }

  @Test
  void theTokenMayComeInTheHeaderTheQueryOrTheCookieAndTheFirstPresentOneIsUsed() {
    startHmac();
    String bad = hs256(TestTokens.OTHER_SECRET, claims(NOW, List.of("*"), null).build());
    assertThat(post(hub, null, good, null).statusCode()).isEqualTo(200);
    assertThat(post(hub, null, null, "mercureAuthorization=" + good).statusCode()).isEqualTo(200);
    assertThat(post(hub, null, null, "theme=dark; mercureAuthorization=" + good + "; lang=en").statusCode())
        .isEqualTo(200);
    String badSignature = "bad signature: the token was not signed with the hub's publisher key";
    // the header wins over the query parameter and the cookie, even when they carry a good token
    assertRefused(post(hub, bad, good, "mercureAuthorization=" + good), 401,
        "token refused (Authorization header): " + badSignature);
    assertThat(post(hub, good, bad, "mercureAuthorization=" + bad).statusCode()).isEqualTo(200);
    // the query parameter wins over the cookie
    assertRefused(post(hub, null, bad, "mercureAuthorization=" + good), 401,
        "token refused (authorization query parameter): " + badSignature);
    assertThat(post(hub, null, good, "mercureAuthorization=" + bad).statusCode()).isEqualTo(200);
    assertRefused(post(hub, null, null, "mercureAuthorization=" + bad), 401,
        "token refused (mercureAuthorization cookie): " + badSignature);
  }

  @Test
  void theCookieNameIsConfigurable() {
    hub = start(AuthConfig.builder().jwtKey(SECRET).cookieName("heraldToken").build());
    good = hs256(SECRET, claims(NOW, List.of("*"), null).build());
    assertThat(post(hub, null, null, "heraldToken=" + good).statusCode()).isEqualTo(200);
    assertRefused(post(hub, null, null, "mercureAuthorization=" + good), 401, "publishing needs a token: send "
        + "'Authorization: Bearer <token>' (or the heraldToken cookie) with a JWT whose mercure.publish claim covers"
        + " the topics");
  }

  /** POSTs a form publish to chat/a with a token in the header, the query and/or a Cookie header (null = none). */
  private static HttpResponse<String> post(URI hub, String header, String query, String cookie) {
    String path = "/publish" + (query == null ? "" : "?authorization=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve(path)).header("Content-Type", PublishParser.FORM)
        .POST(HttpRequest.BodyPublishers.ofString(HubHttp.form("topic", "chat/a", "data", "x")));
    if (header != null) {
      b.header("Authorization", bearer(header));
    }
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return HubHttp.send(b.build());
  }

  @Test
  void anHmacTokenIsRefusedByAnRsaKeyEvenWhenSignedWithThePublicKeyBytes() throws Exception {
    KeyPair rsa = TestTokens.rsa();
    Path pem = TestTokens.publicPem(dir, "public.pem", rsa);
    hub = start(AuthConfig.builder().jwtKey("file:" + pem).build());
    good = TestTokens.rs256(rsa, claims(NOW, List.of("*"), null).build());
    assertThat(publish(hub, "chat/a", "Authorization", bearer(good)).statusCode()).isEqualTo(200);
    // key confusion: HMAC keyed with the public key's PEM text, which an attacker can know
    String confused = TestTokens.sign(new MACSigner(Files.readAllBytes(pem)), JWSAlgorithm.HS256,
        claims(NOW, List.of("*"), null).build());
    assertTokenRefused(confused, "alg 'HS256' is not accepted: the hub's publisher key takes RS256, RS384, RS512,"
        + " PS256, PS384, PS512");
    assertTokenRefused(TestTokens.rs256(TestTokens.rsa(), claims(NOW, List.of("*"), null).build()),
        "bad signature: the token was not signed with the hub's publisher key");
  }

  @Test
  void ecKeysAndJwksWork() {
    KeyPair ec = TestTokens.ec();
    hub = start(AuthConfig.builder().jwtKey("file:" + TestTokens.publicPem(dir, "ec.pem", ec)).build());
    good = TestTokens.es256(ec, claims(NOW, List.of("*"), null).build());
    assertThat(publish(hub, "chat/a", "Authorization", bearer(good)).statusCode()).isEqualTo(200);
    assertTokenRefused(hs256(SECRET, claims(NOW, List.of("*"), null).build()),
        "alg 'HS256' is not accepted: the hub's publisher key takes ES256");
  }

  @Test
  void separatePublisherAndSubscriberKeys() {
    String subscriberSecret = "subscriber-secret-0123456789-abcdefghijklmnop";
    hub = start(AuthConfig.builder().publisherJwtKey(SECRET).subscriberJwtKey(subscriberSecret).build());
    good = hs256(SECRET, claims(NOW, List.of("*"), null).build());
    assertThat(publish(hub, "chat/a", "Authorization", bearer(good)).statusCode()).isEqualTo(200);
    assertTokenRefused(hs256(subscriberSecret, claims(NOW, List.of("*"), null).build()),
        "bad signature: the token was not signed with the hub's publisher key");
  }

  @Test
  void allowAnonymousPublishKeepsCheckingPresentTokens() {
    hub = start(AuthConfig.builder().jwtKey(SECRET).allowAnonymousPublish(true).build());
    good = hs256(SECRET, claims(NOW, List.of("*"), null).build());
    assertThat(publish(hub, "anything/at/all").statusCode()).isEqualTo(200);
    assertTokenRefused(hs256(TestTokens.OTHER_SECRET, claims(NOW, List.of("*"), null).build()),
        "bad signature: the token was not signed with the hub's publisher key");
    assertRefused(publish(hub, "news/a", "Authorization", bearer(hs256(SECRET, claims(NOW, List.of("chat/*"), null)
        .build()))), 403, "the token may not publish to 'news/a': its mercure.publish claim does not cover it; "
        + "nothing was published");
  }
}
