package dev.herald.hub;

import static dev.herald.hub.MercureEndpointTest.enc;
import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's MUST and SHOULD rules of draft-dunglas-mercure-07 ("Topic Selectors",
 * "Subscription", "Publication", "Authorization", "Reconciliation") that the other Mercure tests
 * ({@link MercureEndpointTest}, {@link MercureAuthTest}, {@link MercureGapTest},
 * {@link MercureTemplateTest}) do not already prove, each over a real socket; a test's name
 * quotes its rule. Anonymous subscribers are allowed (public updates), real HS256 tokens.
 */
class MercureSpecTest {
  private static final Instant START = HubAuthAttackTest.NOW;
  private static final String BOOKS = "https://example.com/books/";

  private TokenHub hub;
  private MercureHttp mercure;
  private String publisher;

  @BeforeEach
  void start() {
    publisher = token(List.of("*"), null);
    hub = new TokenHub(AuthConfig.builder().jwtKey(SECRET).anonymous(true).build(), new TestClock(START.toEpochMilli()),
        publisher);
    mercure = new MercureHttp(hub.uri);
  }

  @AfterEach
  void stop() {
    mercure.close();
    hub.close();
  }

  private static String token(List<String> publish, List<String> subscribe) {
    return TestTokens.hs256(SECRET, claims(START, publish, subscribe).build());
  }

  private String publish(String... pairs) {
    return mercure.published(publisher, pairs);
  }

  private SseTestClient subscribe(String... selectors) throws Exception {
    return mercure.subscribe(query(selectors), null);
  }

  private static String query(String... selectors) {
    StringBuilder q = new StringBuilder();
    for (String s : selectors) {
      q.append(q.length() == 0 ? "" : "&").append("topic=").append(enc(s));
    }
    return q.toString();
  }

  /** The data of {@code c}'s next events up to and including {@code marker}. */
  private static List<String> through(SseTestClient c, String marker) throws InterruptedException {
    return TokenHub.dataThrough(c, marker);
  }

  @Test
  void selectorStarMatchesEveryTopic() throws Exception {
    SseTestClient all = subscribe("*");
    publish("topic", "https://example.com/a/b/c?d=e#f", "data", "iri");
    publish("topic", "urn:isbn:0451450523", "data", "urn");
    publish("topic", "chat/room1", "data", "herald name");
    publish("topic", "/", "data", "marker");
    assertThat(through(all, "marker")).containsExactly("iri", "urn", "herald name", "marker");
  }

  @Test
  void selectorExactlyTheSameAsTheStringMatchesEvenWhenItIsATemplate() throws Exception {
    String template = BOOKS + "{id}";
    SseTestClient c = subscribe(template);
    publish("topic", template, "data", "the template itself as a topic");
    publish("topic", BOOKS + "1", "data", "marker");
    assertThat(through(c, "marker")).containsExactly("the template itself as a topic", "marker");

    String claimedTemplate = token(List.of(template), null); // step 2 also for authorization
    assertThat(mercure.publish(claimedTemplate, "topic", template, "data", "x").statusCode()).isEqualTo(200);
    String reader = token(null, List.of(template));
    SseTestClient privately = mercure.subscribe(query(template), reader);
    publish("topic", template, "data", "private, claim equal to the topic", "private", "on");
    publish("topic", BOOKS + "2", "data", "marker");
    assertThat(through(privately, "marker")).containsExactly("private, claim equal to the topic", "marker");
  }

  @Test
  void uriTemplateMatchingOfTopicsWithCharactersThatNeedEscapes() throws Exception {
    SseTestClient simple = subscribe(BOOKS + "{id}");
    SseTestClient reserved = subscribe(BOOKS + "{+id}");
    SseTestClient query = subscribe(BOOKS + "{id}{?page}");
    SseTestClient fragment = subscribe(BOOKS + "{id}{#part}");
    SseTestClient unicode = subscribe("https://example.com/b\u00fccher/{id}");
    String[][] topics = {
        {"a%20b", "escaped space"}, {"100%25", "escaped percent"}, {"100%", "raw percent"},
        {"1?page=2", "query"}, {"1#reviews", "fragment"}, {"caf%C3%A9", "escaped non-ASCII"},
        {"caf\u00e9", "raw non-ASCII"}, {"1/reviews", "slash in the value"}, {"%2F1", "escaped slash"}};
    for (String[] t : topics) {
      publish("topic", BOOKS + t[0], "data", t[1]);
    }
    publish("topic", "https://example.com/b\u00fccher/1", "data", "non-ASCII literal");
    publish("topic", "https://example.com/b\u00fccher/caf\u00e9", "data", "raw non-ASCII under a non-ASCII literal");
    publish("topic", BOOKS + "marker", "topic", "https://example.com/b\u00fccher/marker", "data", "marker");
    assertThat(through(simple, "marker")).as("{id}: unreserved characters and %XX only")
        .containsExactly("escaped space", "escaped percent", "escaped non-ASCII", "escaped slash", "marker");
    assertThat(through(reserved, "marker")).as("{+id}: reserved characters too, '/', '?', '#' included")
        .containsExactly("escaped space", "escaped percent", "query", "fragment", "escaped non-ASCII",
            "slash in the value", "escaped slash", "marker");
    assertThat(through(query, "marker")).containsExactly("escaped space", "escaped percent", "query",
        "escaped non-ASCII", "escaped slash", "marker");
    assertThat(through(fragment, "marker")).containsExactly("escaped space", "escaped percent", "fragment",
        "escaped non-ASCII", "escaped slash", "marker");
    assertThat(through(unicode, "marker")).as("literals compared as written").containsExactly("non-ASCII literal",
        "marker");
  }

  @Test
  void topicsWithARawSpaceOrTheReservedStarAre400WithJson() {
    for (String topic : new String[] {BOOKS + "a b", "*"}) {
      HttpResponse<String> r = mercure.publish(publisher, "topic", topic, "data", "x");
      assertThat(r.statusCode()).as(topic).isEqualTo(400);
      assertThat(HubHttp.json(r).get("message").asText()).contains("topic");
    }
    HttpResponse<String> selector = hub.refused(mercure.subscribeRequest(query(BOOKS + "{id} x"), null,
        TokenHub.Place.HEADER));
    assertThat(selector.statusCode()).isEqualTo(400);
    assertThat(HubHttp.json(selector).get("message").asText()).contains("space");
    assertThat(hub.hub.store().lastId()).isZero();
  }

  @Test
  void aSubscriptionPerTopicParameterAndAnUpdateMatchingSeveralIsDeliveredOnce() throws Exception {
    SseTestClient c = subscribe(BOOKS + "1", BOOKS + "{id}", "*", "https://example.com/authors/{id}");
    publish("topic", BOOKS + "1", "topic", "https://example.com/authors/7", "data", "matches all four");
    publish("topic", "https://example.com/authors/7", "data", "matches two");
    publish("topic", "urn:other", "data", "marker");
    assertThat(through(c, "marker")).containsExactly("matches all four", "matches two", "marker");
  }

  @Test
  void updatesAreSentAsTextEventStream() throws Exception {
    SseTestClient c = subscribe(BOOKS + "1");
    assertThat(c.response().headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
  }

  @Test
  void subscribingIsAGetAndOtherMethodsAre405WithJson() {
    for (String method : new String[] {"PUT", "DELETE", "PATCH"}) {
      HttpResponse<String> r = HubHttp.send(HttpRequest.newBuilder(hub.uri.resolve(MercureHttp.PATH + "?" + query("*")))
          .method(method, HttpRequest.BodyPublishers.ofString("topic=x")).build());
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(HubHttp.json(r).get("status").asInt()).isEqualTo(405);
    }
  }

  @Test
  void anAuthorizationHeaderIsUsedAndTheQueryParameterAndCookieAreIgnored() throws Exception {
    String reader = token(null, List.of(BOOKS + "{id}"));
    SseTestClient good = subscribeWith(reader, "not-a-jwt", "not-a-jwt");
    publish("topic", BOOKS + "1", "data", "private", "private", "on");
    assertThat(good.next().data()).isEqualTo("private");

    HttpResponse<String> bad = hub.refused(request("not-a-jwt", reader, reader));
    assertThat(bad.statusCode()).as("a bad header is not rescued by a good query token or cookie").isEqualTo(401);
    assertThat(HubHttp.json(bad).get("message").asText()).contains("Authorization header");
  }

  @Test
  void withoutAHeaderTheQueryParameterIsUsedAndTheCookieIgnored() throws Exception {
    String reader = token(null, List.of(BOOKS + "{id}"));
    SseTestClient good = subscribeWith(null, reader, "not-a-jwt");
    publish("topic", BOOKS + "1", "data", "private", "private", "on");
    assertThat(good.next().data()).isEqualTo("private");

    HttpResponse<String> bad = hub.refused(request(null, "not-a-jwt", reader));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(HubHttp.json(bad).get("message").asText()).contains("authorization query parameter");
  }

  @Test
  void successResponsesToQueryParameterRequestsSayCacheControlPrivate() throws Exception {
    String reader = token(null, List.of(BOOKS + "{id}"));
    SseTestClient byQuery = subscribeWith(null, reader, null);
    assertThat(byQuery.response().headers().allValues("Cache-Control")).anySatisfy(v -> assertThat(v)
        .containsIgnoringCase("private"));
    assertThat(byQuery.response().headers().allValues("Cache-Control")).anySatisfy(v -> assertThat(v)
        .containsIgnoringCase("no-cache"));
  }

  /** A subscribe to books/{id} with a token in each given place (null: none). */
  private HttpRequest request(String header, String query, String cookie) {
    String q = query(BOOKS + "{id}") + (query == null ? "" : "&authorization=" + enc(query));
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.uri.resolve(MercureHttp.PATH + "?" + q))
        .header("Accept", "text/event-stream");
    if (header != null) {
      b.header("Authorization", "Bearer " + header);
    }
    if (cookie != null) {
      b.header("Cookie", AuthConfig.DEFAULT_COOKIE_NAME + "=" + cookie);
    }
    return b.GET().build();
  }

  private SseTestClient subscribeWith(String header, String query, String cookie) throws Exception {
    return mercure.subscribe(request(header, query, cookie));
  }

  @Test
  void aRefusedTokenIs401WithWwwAuthenticateAndJson() {
    HttpResponse<String> r = hub.refused(mercure.subscribeRequest(query(BOOKS + "1"), "not-a-jwt",
        TokenHub.Place.HEADER));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(HubHttp.json(r).get("status").asInt()).isEqualTo(401);
    HttpResponse<String> anonymousPublish = mercure.publish(null, "topic", BOOKS + "1", "data", "x");
    assertThat(anonymousPublish.statusCode()).isEqualTo(401);
    assertThat(anonymousPublish.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void withoutMercurePublishOrWithAnEmptyOneAPublisherIsNotAuthorized403() {
    String[] tokens = {token(null, List.of("*")), token(List.of(), null),
        TestTokens.hs256(SECRET, new com.nimbusds.jwt.JWTClaimsSet.Builder().issueTime(java.util.Date.from(START))
            .expirationTime(java.util.Date.from(START.plusSeconds(3600))).build())};
    for (String t : tokens) {
      HttpResponse<String> r = mercure.publish(t, "topic", BOOKS + "1", "data", "x");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
          .startsWith("application/json"));
      assertThat(HubHttp.json(r).get("status").asInt()).isEqualTo(403);
    }
    assertThat(hub.hub.store().lastId()).isZero();
  }

  @Test
  void everyTopicOfAnUpdateMustMatchASelectorOfMercurePublishElse403AndNothingIsDispatched() throws Exception {
    String books = token(List.of(BOOKS + "{id}"), null);
    SseTestClient c = subscribe("*");
    assertThat(mercure.publish(books, "topic", BOOKS + "1", "data", "allowed").statusCode()).isEqualTo(200);
    HttpResponse<String> r = mercure.publish(books, "topic", BOOKS + "2", "topic", BOOKS + "2/reviews", "data", "x");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(HubHttp.json(r).get("message").asText()).contains(BOOKS + "2/reviews");
    publish("topic", "urn:marker", "data", "marker");
    assertThat(through(c, "marker")).containsExactly("allowed", "marker");
  }

  @Test
  void aPrivateUpdateReachesASubscriberWhoseClaimMatchesOneOfItsTopicsCanonicalOrAlternate() throws Exception {
    // The spec's own example: the claim names the user's alternate topics, the subscriber selects all books.
    String foo = token(null, List.of("https://example.com/users/foo/{?topic}"));
    SseTestClient c = mercure.subscribe(query(BOOKS + "{id}"), foo);
    publish("topic", BOOKS + "1", "topic", "https://example.com/users/foo/?topic=" + enc(BOOKS + "1"),
        "data", "book 1 for foo", "private", "on");
    publish("topic", BOOKS + "2", "topic", "https://example.com/users/bar/?topic=" + enc(BOOKS + "2"),
        "data", "book 2 for bar", "private", "on");
    publish("topic", BOOKS + "3", "data", "public marker");
    assertThat(through(c, "public marker")).containsExactly("book 1 for foo", "public marker");
  }

  @Test
  void aPublishWithoutTopicIs400WithJsonSayingSo() {
    for (String[] form : new String[][] {{"data", "x"}, {"topic", "", "data", "x"}}) {
      HttpResponse<String> r = mercure.publish(publisher, form);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(HubHttp.json(r).get("message").asText()).containsIgnoringCase("topic");
    }
    assertThat(hub.hub.store().lastId()).isZero();
  }

  @Test
  void theLastEventIdResponseHeaderIsEarliestWhenTheHistoryIsEmpty() throws Exception {
    SseTestClient c = mercure.subscribe(query(BOOKS + "1") + "&lastEventID=7", null);
    assertThat(c.response().headers().firstValue("Last-Event-ID")).hasValue("earliest");
    SseTestClient byHeader = mercure.subscribe(query(BOOKS + "1"), null, "Last-Event-ID", "urn:uuid:nothing");
    assertThat(byHeader.response().headers().firstValue("Last-Event-ID")).hasValue("earliest");
  }

  @Test
  void everyDispatchedEventHasAnIdAndTheRetryTypeAndDataOfItsUpdate() throws Exception {
    SseTestClient c = subscribe(BOOKS + "{id}");
    String multiline = "first\n\n  indented\n\ttabbed\n";
    String a = publish("topic", BOOKS + "1", "data", multiline, "type", "book", "retry", "3000");
    long b = hub.publish(BOOKS + "2", "from /publish", false);
    List<MessageEvent> got = c.next(2);
    assertThat(got).extracting(MessageEvent::lastEventId).containsExactly(a, Long.toString(b));
    assertThat(got.get(0).event()).isEqualTo("book");
    assertThat(got.get(0).data()).isEqualTo(multiline);
    assertThat(c.retries()).contains(java.time.Duration.ofMillis(3000));
  }
  @Test
  void theFormMayDeclareItsCharsetAndPlusIsASpaceAsInEveryFormEncoder() throws Exception {
    SseTestClient c = subscribe("urn:x");
    HttpResponse<String> r = HubHttp.send(mercure.publishRequest("topic=urn%3Ax&data=caf%C3%A9+cr%C3%A8me%21&private=",
        "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8", "Authorization", "Bearer " + publisher));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    publish("topic", "urn:x", "data", "marker");
    assertThat(through(c, "marker")).as("the update is private: not for an anonymous subscriber").containsExactly(
        "marker");
    String reader = token(null, List.of("urn:x"));
    assertThat(mercure.subscribe(query("urn:x") + "&lastEventID=earliest", reader).next().data())
        .isEqualTo("caf\u00e9 cr\u00e8me!");
  }

  @Test
  void privateUpdatesAreNotReplayedToSubscribersNotAuthorizedForThem() throws Exception {
    publish("topic", BOOKS + "1", "data", "public");
    publish("topic", BOOKS + "1", "data", "private", "private", "on");
    publish("topic", BOOKS + "1", "data", "public marker");
    String resume = "&lastEventID=earliest";
    assertThat(through(mercure.subscribe(query(BOOKS + "{id}") + resume, null), "public marker"))
        .containsExactly("public", "public marker");
    String other = token(null, List.of(BOOKS + "2"));
    assertThat(through(mercure.subscribe(query(BOOKS + "{id}") + resume, other), "public marker"))
        .containsExactly("public", "public marker");
    String reader = token(null, List.of(BOOKS + "1"));
    assertThat(through(mercure.subscribe(query(BOOKS + "{id}") + resume, reader), "public marker"))
        .containsExactly("public", "private", "public marker");
  }

  @Test
  void differentKeysMaySignSubscriberAndPublisherTokens() throws Exception {
    String pub = TestTokens.hs256(SECRET, claims(START, List.of("*"), null).build());
    String sub = TestTokens.hs256(TestTokens.OTHER_SECRET, claims(START, null, List.of("*")).build());
    try (TokenHub split = new TokenHub(AuthConfig.builder().publisherJwtKey(SECRET)
        .subscriberJwtKey(TestTokens.OTHER_SECRET).build(), new TestClock(START.toEpochMilli()), pub);
        MercureHttp m = new MercureHttp(split.uri)) {
      SseTestClient c = m.subscribe(query("urn:x"), sub);
      assertThat(m.publish(sub, "topic", "urn:x", "data", "x").statusCode()).as("a subscriber key cannot publish")
          .isEqualTo(401);
      assertThat(split.refused(m.subscribeRequest(query("urn:x"), pub, TokenHub.Place.HEADER)).statusCode())
          .as("a publisher key cannot subscribe").isEqualTo(401);
      m.published(pub, "topic", "urn:x", "data", "private", "private", "on");
      assertThat(c.next().data()).isEqualTo("private");
    }
  }
}
