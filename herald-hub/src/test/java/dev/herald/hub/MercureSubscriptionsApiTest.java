package dev.herald.hub;

import static dev.herald.hub.MercureSubscriptionEventsTest.BOOKS;
import static dev.herald.hub.MercureSubscriptionEventsTest.ISBN;
import static dev.herald.hub.MercureSubscriptionEventsTest.START;
import static dev.herald.hub.MercureSubscriptionEventsTest.SUBS_TEMPLATE;
import static dev.herald.hub.MercureSubscriptionEventsTest.enc;
import static dev.herald.hub.MercureSubscriptionEventsTest.token;
import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.SseTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mercure's subscriptions API ({@code --subscriptions}; draft-dunglas-mercure, "Subscription
 * API") over real sockets: the three shapes with {@code lastEventID}, authorization by the
 * subscribe claim (401/403), 404 for an unknown subscription, 400 for bad encodings; publishers
 * cannot forge subscription events; off by default; refused at start-up without a subscriber key.
 */
class MercureSubscriptionsApiTest {
  private static final String PREFIX = "/.well-known/mercure/subscriptions";
  private static final String BOOKS_ENC = "https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D";
  private static final String ISBN_ENC = "urn%3Aisbn%3A978-0-13-468599-1";

  private TokenHub hub;
  private MercureHttp mercure;
  private final String publisher = TestTokens.hs256(SECRET, claims(START, List.of("*"), null).build());
  private final String reader = token(List.of(SUBS_TEMPLATE), null); // may read every API path

  private void start(boolean subscriptions) {
    hub = new TokenHub(HubConfig.builder().port(0).store(StoreKind.MEMORY).subscriptions(subscriptions)
        .auth(AuthConfig.builder().jwtKey(SECRET).anonymous(true).build()).build(),
        new TestClock(START.toEpochMilli()), publisher);
    mercure = new MercureHttp(hub.uri);
  }

  @AfterEach
  void stop() {
    if (hub != null) {
      mercure.close();
      hub.close();
    }
  }

  private HttpResponse<String> get(String rawPath, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.uri.toString().replaceAll("/$", "") + rawPath));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HubHttp.send(b.GET().build());
  }

  /** A 200 answer's JSON-LD document. */
  private JsonNode doc(String rawPath) {
    HttpResponse<String> r = get(rawPath, reader);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/ld+json");
    return HubHttp.parse(r.body());
  }

  /** A refusal: its status and the message of its JSON body. */
  private String refused(String rawPath, String token, int status) {
    HttpResponse<String> r = get(rawPath, token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
        "application/json"));
    return HubHttp.json(r).get("message").asText();
  }

  /** A refusal of a raw request path (one java.net.URI would not send): the message of its JSON body. */
  private String rawRefused(String rawPath, int status) throws Exception {
    HubSocket.Answer r = HubSocket.exchange(hub.hub.port(), "127.0.0.1", HubSocket.request("GET", rawPath, null,
        "Authorization: Bearer " + reader));
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    return HubHttp.parse(r.body()).get("message").asText();
  }

  /** Subscribes and waits until its {@code n} subscriptions are stored as events; returns its subscriber id. */
  private String subscriber(int n, String query, String token) throws Exception {
    long before = hub.hub.store().lastId();
    java.util.Set<String> known = new java.util.HashSet<>();
    hub.hub.activeSubscriptions().all().forEach(e -> known.add(e.subscriber));
    mercure.subscribe(query, token);
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.hub.store().lastId() >= before + n);
    return hub.hub.activeSubscriptions().all().stream().map(e -> e.subscriber).filter(s -> !known.contains(s))
        .findFirst().orElseThrow();
  }

  private static String sub(String topic, String topicEnc, String subscriber, String payload) {
    return "{\"id\":\"" + PREFIX + "/" + topicEnc + "/" + subscriber.replace(":", "%3A") + "\",\"type\":\"Subscription\","
        + "\"topic\":\"" + topic + "\",\"subscriber\":\"" + subscriber + "\",\"active\":true"
        + (payload == null ? "" : ",\"payload\":" + payload) + "}";
  }

  @Test
  void theThreeShapesWithLastEventId() throws Exception {
    start(true);
    assertThat(doc(PREFIX)).isEqualTo(HubHttp.parse("{\"@context\":\"https://mercure.rocks/\",\"id\":\"" + PREFIX
        + "\",\"type\":\"Subscriptions\",\"lastEventID\":\"earliest\",\"subscriptions\":[]}"));
    mercure.published(publisher, "topic", "https://example.com/x", "data", "x", "id", "urn:uuid:custom-1");
    assertThat(doc(PREFIX).get("lastEventID").asText()).as("the wire id of the last event").isEqualTo("urn:uuid:custom-1");

    String a = subscriber(2, "topic=" + enc(BOOKS) + "&topic=" + enc(ISBN), token(List.of(BOOKS), Map.of("n", 1)));
    String b = subscriber(1, "topic=" + enc(BOOKS), null);
    String last = Long.toString(hub.hub.store().lastId());
    assertThat(last).isEqualTo("4");

    JsonNode all = doc(PREFIX);
    assertThat(all).isEqualTo(HubHttp.parse("{\"@context\":\"https://mercure.rocks/\",\"id\":\"" + PREFIX + "\","
        + "\"type\":\"Subscriptions\",\"lastEventID\":\"" + last + "\",\"subscriptions\":["
        + sub(BOOKS, BOOKS_ENC, a, "{\"n\":1}") + "," + sub(BOOKS, BOOKS_ENC, b, null) + ","
        + sub(ISBN, ISBN_ENC, a, "{\"n\":1}") + "]}"));
    assertThat(all.fieldNames()).toIterable().containsExactly("@context", "id", "type", "lastEventID", "subscriptions");

    JsonNode books = doc(PREFIX + "/" + BOOKS_ENC);
    assertThat(books).isEqualTo(HubHttp.parse("{\"@context\":\"https://mercure.rocks/\",\"id\":\"" + PREFIX + "/"
        + BOOKS_ENC + "\",\"type\":\"Subscriptions\",\"lastEventID\":\"" + last + "\",\"subscriptions\":["
        + sub(BOOKS, BOOKS_ENC, a, "{\"n\":1}") + "," + sub(BOOKS, BOOKS_ENC, b, null) + "]}"));
    assertThat(doc(PREFIX + "/" + enc("https://example.com/none")).get("subscriptions")).isEmpty();

    String one = PREFIX + "/" + ISBN_ENC + "/" + a.replace(":", "%3A");
    JsonNode single = doc(one);
    JsonNode expected = HubHttp.parse(sub(ISBN, ISBN_ENC, a, "{\"n\":1}"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("@context", "https://mercure.rocks/")
        .put("lastEventID", last);
    assertThat(single).isEqualTo(expected);
    assertThat(doc(one.toLowerCase(java.util.Locale.ROOT).replace("urn%3auuid", "urn%3Auuid")))
        .as("escapes in lower case name the same subscription, answered with its canonical id").isEqualTo(expected);

    assertThat(refused(PREFIX + "/" + ISBN_ENC + "/" + b.replace(":", "%3A"), reader, 404)).contains("no active subscription");
    assertThat(refused(PREFIX + "/" + enc("https://example.com/none") + "/x", reader, 404)).contains("no active");
  }

  @Test
  void aSubscriberThatLeavesIsGoneFromTheApi() throws Exception {
    start(true);
    String a = subscriber(1, "topic=" + enc(ISBN), null);
    SseTestClient c = mercure.subscribe("topic=" + enc(BOOKS), null);
    String one = PREFIX + "/" + ISBN_ENC + "/" + a.replace(":", "%3A");
    assertThat(doc(one).get("active").asBoolean()).isTrue();
    mercure.close(); // both leave
    await().atMost(Duration.ofSeconds(30)).until(() -> get(one, reader).statusCode() == 404);
    await().atMost(Duration.ofSeconds(30)).until(() -> doc(PREFIX).get("subscriptions").isEmpty());
    assertThat(c.awaitEnd()).isTrue();
  }

  @Test
  void theClaimMustCoverTheRequestedPath() throws Exception {
    start(true);
    String a = subscriber(1, "topic=" + enc(ISBN), null);
    assertThat(refused(PREFIX, null, 401)).contains("needs a subscriber token");
    assertThat(get(PREFIX, null).headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    String expired = token(List.of(SUBS_TEMPLATE), null, START.minusSeconds(1));
    assertThat(refused(PREFIX, expired, 401)).contains("expired");
    String isbnOnly = token(List.of(PREFIX + "/" + ISBN_ENC + "{/subscriber}"), null);
    assertThat(refused(PREFIX, isbnOnly, 403)).contains("does not cover " + PREFIX);
    assertThat(refused(PREFIX + "/" + BOOKS_ENC, isbnOnly, 403)).contains("does not cover");
    assertThat(get(PREFIX + "/" + ISBN_ENC, isbnOnly).statusCode()).isEqualTo(200);
    assertThat(get(PREFIX + "/" + ISBN_ENC + "/" + a.replace(":", "%3A"), isbnOnly).statusCode()).isEqualTo(200);
    String elsewhere = token(List.of("*"), null); // Mercure's * covers every topic, these paths too
    assertThat(get(PREFIX, elsewhere).statusCode()).isEqualTo(200);
    assertThat(refused(PREFIX, token(List.of(BOOKS), null), 403)).contains("does not cover");
  }

  @Test
  void badEncodingsAre400NamingTheProblem() throws Exception {
    start(true);
    assertThat(rawRefused(PREFIX + "/%ZZ", 400)).isEqualTo("Malformed path: bad percent escape in path");
    assertThat(rawRefused(PREFIX + "/" + ISBN_ENC + "/ab%2", 400)).isEqualTo(
        "Malformed path: truncated percent escape in path");
    assertThat(refused(PREFIX + "/%FF%FE", reader, 400)).isEqualTo("the {topic} segment of " + PREFIX
        + " is not percent-encoded UTF-8 (encode each byte of the value's UTF-8 as %XX)");
    assertThat(refused(PREFIX + "/" + ISBN_ENC + "/%C3", reader, 400)).contains("{subscriber} segment");
    assertThat(get("/healthz", null).statusCode()).as("the hub stays up").isEqualTo(200);
  }

  @Test
  void publishersCannotForgeSubscriptionEvents() {
    start(true);
    long before = hub.hub.store().lastId();
    HttpResponse<String> one = mercure.publish(publisher, "topic", PREFIX + "/x/urn%3Auuid%3A1", "data",
        "{\"active\":true}", "private", "on");
    assertThat(one.statusCode()).as(one.body()).isEqualTo(400);
    assertThat(HubHttp.json(one).get("message").asText()).isEqualTo("topic '" + PREFIX + "/x/urn%3Auuid%3A1' is "
        + "reserved: topics starting with " + PREFIX + " carry the hub's own subscription events; nothing was published");
    HttpResponse<String> alternate = mercure.publish(publisher, "topic", "https://example.com/a", "topic", PREFIX,
        "data", "x");
    assertThat(alternate.statusCode()).as("any of its topics").isEqualTo(400);
    HttpResponse<String> batch = HubHttp.postJson(hub.uri, "[{\"topic\":\"a\",\"data\":\"1\"},{\"topics\":[\"b\",\""
        + PREFIX + "s\"],\"data\":\"2\"}]", "Authorization", "Bearer " + publisher);
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(400);
    assertThat(HubHttp.json(batch).get("message").asText()).startsWith("item 1: topic '" + PREFIX + "s' is reserved");
    assertThat(hub.hub.store().lastId()).as("nothing stored").isEqualTo(before);
  }

  @Test
  void offByDefaultTheApiIs404AndNothingIsAnnounced() throws Exception {
    assertThat(HubConfig.defaults().subscriptions()).isFalse();
    start(false);
    String off = "the subscriptions API is off: start the hub with --subscriptions";
    assertThat(refused(PREFIX, reader, 404)).isEqualTo(off);
    assertThat(refused(PREFIX + "/" + ISBN_ENC, reader, 404)).isEqualTo(off);
    assertThat(refused(PREFIX + "/" + ISBN_ENC + "/urn%3Auuid%3A1", null, 404)).isEqualTo(off);
    mercure.subscribe("topic=" + enc(ISBN), null);
    hub.subscribe("topic=chat/*", null, TokenHub.Place.HEADER, null).close();
    String marker = mercure.published(publisher, "topic", ISBN, "data", "marker");
    assertThat(marker).as("the marker is the hub's first event: no subscription was announced").isEqualTo("1");
    assertThat(hub.hub.activeSubscriptions().enabled()).isFalse();
  }

  @Test
  void startUpIsRefusedWithoutASubscriberKey() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errs = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String message = "herald serve: --subscriptions needs a subscriber key (--jwt-key or --subscriber-jwt-key): "
        + "subscription events are private, and without a key nobody could be authorized to read them or the "
        + "subscriptions API";
    HubMain.Outcome flag = HubMain.start(new String[] {"serve", "--port", "0", "--store", "memory", "--subscriptions"},
        Map.of(), out, errs);
    assertThat(flag.exitCode).isEqualTo(2);
    assertThat(flag.hub).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(message + System.lineSeparator());
    err.reset();
    HubMain.Outcome env = HubMain.start(new String[] {"serve", "--port", "0", "--store", "memory",
        "--publisher-jwt-key", SECRET}, Map.of("HERALD_SUBSCRIPTIONS", "true"), out, errs);
    assertThat(env.exitCode).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
    assertThatThrownBy(() -> Hub.start(HubConfig.builder().port(0).store(StoreKind.MEMORY).subscriptions(true).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--subscriptions needs a subscriber key");

    HubMain.Outcome keyed = HubMain.start(new String[] {"serve", "--port", "0", "--store", "memory", "--subscriptions",
        "--jwt-key", SECRET}, Map.of(), out, errs);
    try {
      assertThat(keyed.hub).isPresent();
      assertThat(keyed.hub.get().config().subscriptions()).isTrue();
    } finally {
      keyed.hub.ifPresent(Hub::close);
    }
  }
}
