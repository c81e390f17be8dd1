package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mercure's subscription events ({@code --subscriptions}; draft-dunglas-mercure, "Active
 * Subscriptions") over real sockets with real HS256 tokens: a private JSON-LD update on
 * {@code /.well-known/mercure/subscriptions/{topic}/{subscriber}} when a subscription opens and,
 * exactly once, when it ends — client gone, slow consumer, token expiry, hub shutdown —, with the
 * token's {@code mercure.payload}; in history, resumable, and hidden from subscribers whose claim
 * does not cover them.
 */
class MercureSubscriptionEventsTest {
  static final Instant START = HubAuthAttackTest.NOW;
  static final String SUBS_TEMPLATE = "/.well-known/mercure/subscriptions{/topic}{/subscriber}";
  static final String BOOKS = "https://example.com/books/{id}";
  static final String ISBN = "urn:isbn:978-0-13-468599-1";
  static final String MARKER = "https://example.com/marker";

  private TokenHub hub;
  private MercureHttp mercure;
  private String publisher;
  private String watcher; // may read the subscription events

  @BeforeEach
  void start() {
    start(HubConfig.builder().store(StoreKind.MEMORY));
  }

  private void start(HubConfig.Builder config) {
    TestClock clock = new TestClock(START.toEpochMilli());
    publisher = TestTokens.hs256(SECRET, claims(START, List.of("*"), null).build());
    watcher = token(List.of(SUBS_TEMPLATE), null);
    hub = new TokenHub(config.port(0).retry(Duration.ofSeconds(5)).subscriptions(true)
        .auth(AuthConfig.builder().jwtKey(SECRET).anonymous(true).build()).build(), clock, publisher);
    mercure = new MercureHttp(hub.uri);
  }

  @AfterEach
  void stop() {
    mercure.close();
    hub.close();
  }

  /** A subscriber token with {@code subscribe} selectors and {@code payload} (null: none) as its mercure claims. */
  static String token(List<String> subscribe, Object payload) {
    return token(subscribe, payload, START.plusSeconds(3600));
  }

  static String token(List<String> subscribe, Object payload, Instant exp) {
    Map<String, Object> mercure = payload == null ? Map.of("subscribe", subscribe)
        : Map.of("subscribe", subscribe, "payload", payload);
    return TestTokens.hs256(SECRET, new JWTClaimsSet.Builder().issueTime(Date.from(START))
        .expirationTime(Date.from(exp)).claim("mercure", mercure).build());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The spec's expansion of {@code /.well-known/mercure/subscriptions/{topic}/{subscriber}}, written out by hand. */
  static String subscriptionTopic(String topicEncoded, String subscriber) {
    return "/.well-known/mercure/subscriptions/" + topicEncoded + "/" + subscriber.replace(":", "%3A");
  }

  /**
   * Runs {@code subscribe} and waits until the hub has stored the {@code n} events announcing its
   * subscriptions (the stream's retry hint may arrive before they are appended).
   */
  private SseTestClient announced(int n, java.util.concurrent.Callable<SseTestClient> subscribe) throws Exception {
    long before = hub.hub.store().lastId();
    SseTestClient c = subscribe.call();
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.hub.store().lastId() >= before + n);
    return c;
  }

  /** A Mercure subscriber with {@code query} and {@code token}, once its {@code n} subscriptions are announced. */
  private SseTestClient announced(int n, String query, String token) throws Exception {
    return announced(n, () -> mercure.subscribe(query, token));
  }

  /** The watcher's stream: the subscription events (and the public marker topic), announced (2 selectors). */
  private SseTestClient watch(String... extraQuery) throws Exception {
    return announced(2, "topic=" + enc(SUBS_TEMPLATE) + "&topic=" + enc(MARKER) + String.join("", extraQuery),
        watcher);
  }

  /** The next event of {@code c} that is not about the subscriber {@code skip} (the watcher's own). */
  private static MessageEvent nextNotOf(SseTestClient c, String skip) throws InterruptedException {
    while (true) {
      MessageEvent e = c.next();
      if (skip == null || !e.data().startsWith("{") || !HubHttp.parse(e.data()).path("subscriber").asText().equals(skip)) {
        return e;
      }
    }
  }

  @Test
  void openingAndLeavingPublishTheSpecsDocumentsWithThePayload() throws Exception {
    SseTestClient watching = watch();
    String own = HubHttp.parse(watching.next().data()).get("subscriber").asText(); // its own subscriptions
    assertThat(own).matches("urn:uuid:[0-9a-f-]{36}");

    Map<String, Object> payload = new java.util.LinkedHashMap<>(Map.of("user", "ann"));
    payload.put("rank", 3);
    String reader = token(List.of(BOOKS), payload);
    SseTestClient sub = announced(2, "topic=" + enc(BOOKS) + "&topic=" + enc(ISBN), reader);
    MessageEvent first = nextNotOf(watching, own);
    MessageEvent second = nextNotOf(watching, own);
    String subscriber = HubHttp.parse(first.data()).get("subscriber").asText();
    assertThat(subscriber).matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
        .isNotEqualTo(own);
    String booksId = subscriptionTopic("https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D", subscriber);
    String isbnId = subscriptionTopic("urn%3Aisbn%3A978-0-13-468599-1", subscriber);
    assertThat(first.data()).isEqualTo("{\"@context\":\"https://mercure.rocks/\",\"id\":\"" + booksId + "\","
        + "\"type\":\"Subscription\",\"topic\":\"https://example.com/books/{id}\",\"subscriber\":\"" + subscriber
        + "\",\"active\":true,\"payload\":{\"user\":\"ann\",\"rank\":3}}");
    assertThat(second.data()).as("one request, two selectors: two subscriptions, one subscriber id")
        .isEqualTo(first.data().replace(booksId, isbnId).replace("https://example.com/books/{id}", ISBN));
    assertThat(first.event()).isEqualTo("message");

    sub.close();
    MessageEvent leftBooks = nextNotOf(watching, own);
    MessageEvent leftIsbn = nextNotOf(watching, own);
    assertThat(leftBooks.data()).isEqualTo(first.data().replace("\"active\":true", "\"active\":false"));
    assertThat(leftIsbn.data()).isEqualTo(second.data().replace("\"active\":true", "\"active\":false"));
    assertThat(Long.parseLong(leftBooks.lastEventId())).isGreaterThan(Long.parseLong(second.lastEventId()));
    mercure.published(publisher, "topic", MARKER, "data", "marker");
    assertThat(watching.next().data()).as("the end is told once").isEqualTo("marker");
    assertThat(hub.hub.activeSubscriptions().all()).extracting(e -> e.subscriber).containsOnly(own);
  }

  @Test
  void theEventsArePrivateAndTheTopicIsFoundByTheClaimsTemplate() throws Exception {
    SseTestClient anonymous = announced(1, "topic=*", null);
    SseTestClient uncovered = announced(1, "topic=*", token(List.of(BOOKS), null));
    SseTestClient byTemplate = announced(1, "topic=" + enc(SUBS_TEMPLATE), token(List.of(
        "/.well-known/mercure/subscriptions/{topic}/{subscriber}"), null));
    String subscriber = HubHttp.parse(byTemplate.next().data()).get("subscriber").asText(); // its own
    announced(1, "topic=" + enc(ISBN), null);
    JsonNode isbn = HubHttp.parse(nextNotOf(byTemplate, subscriber).data());
    assertThat(isbn.get("topic").asText()).isEqualTo(ISBN);
    assertThat(isbn.has("payload")).as("no mercure.payload, no payload").isFalse();

    mercure.published(publisher, "topic", MARKER, "data", "public marker");
    assertThat(anonymous.next().data()).as("no token: no subscription event before the marker").isEqualTo("public marker");
    assertThat(uncovered.next().data()).as("a claim not covering them").isEqualTo("public marker");
    assertThat(hub.hub.store().lastId()).as("4 opened, 1 marker").isEqualTo(5);
  }

  @Test
  void theEventsAreInHistoryAndResumable() throws Exception {
    SseTestClient a = announced(1, "topic=" + enc(ISBN), null);
    String afterA = Long.toString(hub.hub.store().lastId());
    a.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.hub.store().lastId() == 2);
    announced(1, "topic=" + enc(BOOKS), null);
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.hub.store().lastId() == 3);

    SseTestClient resumed = watch("&lastEventID=" + afterA);
    JsonNode left = HubHttp.parse(resumed.next().data());
    JsonNode books = HubHttp.parse(resumed.next().data());
    assertThat(left.get("topic").asText()).isEqualTo(ISBN);
    assertThat(left.get("active").asBoolean()).isFalse();
    assertThat(books.get("topic").asText()).isEqualTo(BOOKS);
    assertThat(books.get("active").asBoolean()).isTrue();
    assertThat(resumed.response().headers().firstValue("Last-Event-ID")).hasValue(afterA);

    SseTestClient all = watch("&lastEventID=earliest");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 5; i++) { // a's start and end, books' start, the first watcher's two starts
      JsonNode e = HubHttp.parse(all.next().data());
      seen.add(e.get("topic").asText() + "=" + e.get("active").asBoolean());
    }
    assertThat(seen).containsExactly(ISBN + "=true", ISBN + "=false", BOOKS + "=true", SUBS_TEMPLATE + "=true",
        MARKER + "=true");
  }

  @Test
  void everySubscriptionCountsAlsoOnEventsWithHeraldSelectors() throws Exception {
    SseTestClient watching = watch();
    String own = HubHttp.parse(watching.next().data()).get("subscriber").asText();
    SseTestClient c = announced(2, () -> hub.subscribe("topic=chat/*&topic=news/**", null, TokenHub.Place.HEADER,
        null));
    JsonNode chat = HubHttp.parse(nextNotOf(watching, own).data());
    JsonNode news = HubHttp.parse(nextNotOf(watching, own).data());
    assertThat(chat.get("id").asText()).isEqualTo(subscriptionTopic("chat%2F%2A", chat.get("subscriber").asText()));
    assertThat(news.get("topic").asText()).isEqualTo("news/**");
    c.close();
    assertThat(HubHttp.parse(nextNotOf(watching, own).data()).get("active").asBoolean()).isFalse();
    assertThat(HubHttp.parse(nextNotOf(watching, own).data()).get("topic").asText()).isEqualTo("news/**");
  }

  @Test
  void aRefusedSubscribeAnnouncesNothing() throws Exception {
    SseTestClient watching = watch();
    String own = HubHttp.parse(watching.next().data()).get("subscriber").asText();
    assertThat(hub.refused(mercure.subscribeRequest("topic=" + enc("a{"), null, TokenHub.Place.HEADER)).statusCode())
        .isEqualTo(400);
    String expired = token(List.of(BOOKS), null, START.minusSeconds(1));
    assertThat(hub.refused(mercure.subscribeRequest("topic=" + enc(BOOKS), expired, TokenHub.Place.HEADER))
        .statusCode()).isEqualTo(401);
    mercure.published(publisher, "topic", MARKER, "data", "marker");
    assertThat(nextNotOf(watching, own).data()).isEqualTo("marker");
  }

  @Test
  void tokenExpiryEndsTheSubscriptionOnce() throws Exception {
    SseTestClient watching = watch();
    String own = HubHttp.parse(watching.next().data()).get("subscriber").asText();
    SseTestClient expiring = announced(1, "topic=" + enc(ISBN), token(List.of(ISBN), "p", START.plusSeconds(60)));
    JsonNode opened = HubHttp.parse(nextNotOf(watching, own).data());
    hub.timer.advance(Duration.ofSeconds(61));
    assertThat(expiring.awaitEnd()).isTrue();
    JsonNode ended = HubHttp.parse(nextNotOf(watching, own).data());
    assertThat(ended.get("id")).isEqualTo(opened.get("id"));
    assertThat(ended.get("active").asBoolean()).isFalse();
    assertThat(ended.get("payload").asText()).isEqualTo("p");
    mercure.published(publisher, "topic", MARKER, "data", "marker");
    assertThat(watching.next().data()).isEqualTo("marker");
  }

  @Test
  void aSlowConsumerClosedByTheHubEndsItsSubscriptionOnce() throws Exception {
    mercure.close();
    hub.close();
    start(HubConfig.builder().store(StoreKind.MEMORY).maxBufferedBytes(64 * 1024));
    SseTestClient watching = watch();
    String own = HubHttp.parse(watching.next().data()).get("subscriber").asText();
    String big = "x".repeat(32 * 1024);
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", hub.hub.port()));
      stalled.getOutputStream().write(("GET /.well-known/mercure?topic=big HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      JsonNode opened = HubHttp.parse(nextNotOf(watching, own).data());
      assertThat(opened.get("topic").asText()).isEqualTo("big");
      Optional<JsonNode> ended = Optional.empty();
      while (ended.isEmpty()) { // publish until the hub closes the stalled stream as slow
        mercure.published(publisher, "topic", "big", "data", big);
        if (hub.hub.activeSubscriptions().find("big", opened.get("subscriber").asText()).isEmpty()) {
          ended = Optional.of(HubHttp.parse(nextNotOf(watching, own).data()));
        }
      }
      assertThat(ended.get().get("id")).isEqualTo(opened.get("id"));
      assertThat(ended.get().get("active").asBoolean()).isFalse();
      assertThat(hub.metric("herald_slow_consumer_closes_total")).isEqualTo(1.0);
    }
    mercure.published(publisher, "topic", MARKER, "data", "marker");
    assertThat(watching.next().data()).as("closing the socket afterwards tells nothing more").isEqualTo("marker");
  }

  @Test
  void shutdownRecordsTheEndOfEverySubscription(@TempDir Path dir) throws Exception {
    mercure.close();
    hub.close();
    start(HubConfig.builder().store(StoreKind.SQLITE).dataDir(dir));
    announced(1, "topic=" + enc(ISBN), null);
    announced(1, "topic=" + enc(BOOKS), null);
    hub.hub.close(); // the streams still open: the hub's drain ends them
    try (SqliteHistoryStore store = SqliteHistoryStore.open(dir, HubConfig.defaults().storeLimits())) {
      List<String> seen = new ArrayList<>();
      for (StoredEvent e : store.readAfter(0, List.of(TopicSelector.parse("*")), 100)) {
        assertThat(e.isPrivate()).isTrue();
        JsonNode doc = HubHttp.parse(e.data());
        seen.add(doc.get("topic").asText() + "=" + doc.get("active").asBoolean());
      }
      assertThat(seen).containsExactly(ISBN + "=true", BOOKS + "=true", ISBN + "=false", BOOKS + "=false");
    }
  }
}
