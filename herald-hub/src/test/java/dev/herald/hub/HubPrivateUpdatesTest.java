package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Private updates over real sockets, with subscribers whose access comes from
 * {@link TestAuthenticator} headers: an update published with {@code private} reaches only the
 * subscribers whose subscribe claim covers one of its topics — live, through the buffer of a
 * subscription still replaying, and from history after {@code Last-Event-ID} and
 * {@code earliest} — and absence is proven by a public marker published after it arriving next.
 */
class HubPrivateUpdatesTest extends HubTestSupport {
  static final Duration T = Duration.ofSeconds(30);
  static final String TOPIC = "users/42/inbox";

  private final List<Hub> hubs = new ArrayList<>();
  private final List<SseTestClient> clients = new ArrayList<>();

  @AfterEach
  void stopMine() {
    clients.forEach(SseTestClient::close);
    hubs.forEach(Hub::close);
  }

  Hub startWithTokens(HistoryStore store) {
    Hub hub = Hub.start(config().build(), store, Subscription.DEFAULT_MAX_PENDING, new TestAuthenticator());
    hubs.add(hub);
    return hub;
  }

  Hub startWithTokens() {
    HubConfig config = config().build();
    return startWithTokens(storeKind() == StoreKind.MEMORY ? new MemoryHistoryStore(config.storeLimits())
        : SqliteHistoryStore.open(config.dataDir(), config.storeLimits()));
  }

  /** Opens a stream with subscribe claim {@code claim} (null: no token); does not wait for its retry hint. */
  SseTestClient open(URI hub, String claim, String query, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve("/events?" + query)).header("Accept", "text/event-stream");
    if (claim != null) {
      b.header(TestAuthenticator.SUBSCRIBE, claim);
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = SseTestClient.open(b.GET().build());
    clients.add(c);
    assertThat(c.response().statusCode()).as("subscribe %s as %s", query, claim).isEqualTo(200);
    return c;
  }

  /** A subscriber registered in the hub (its retry hint arrived). */
  SseTestClient subscribeAs(URI hub, String claim, String query, String lastEventId) throws Exception {
    SseTestClient c = open(hub, claim, query, lastEventId);
    c.awaitRetry();
    return c;
  }

  static long publishPrivate(URI hub, String topic, String data) {
    HttpResponse<String> r = HubHttp.postForm(hub, HubHttp.form("topic", topic, "data", data, "private", "on"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Long.parseLong(HubHttp.json(r).get("id").asText());
  }

  /** The next events of {@code c} up to and including the one with data {@code marker}, as data. */
  static List<String> dataThrough(SseTestClient c, String marker) throws InterruptedException {
    List<String> got = new ArrayList<>();
    while (got.isEmpty() || !got.get(got.size() - 1).equals(marker)) {
      MessageEvent e = c.next(T).orElseThrow(() -> new AssertionError("no event after " + got));
      got.add(e.data());
    }
    return got;
  }

  @Test
  void liveAPrivateUpdateReachesOnlyTheClaimsThatCoverOneOfItsTopics() throws Exception {
    URI u = startWithTokens().uri();
    SseTestClient owner = subscribeAs(u, "users/42/**", "topic=" + TOPIC, null);
    SseTestClient ownerByOtherTopic = subscribeAs(u, "billing/42", "topic=users/*/inbox", null);
    SseTestClient everything = subscribeAs(u, "*", "topic=**", null);
    SseTestClient otherUser = subscribeAs(u, "users/7/**", "topic=" + TOPIC, null);
    SseTestClient anonymous = subscribeAs(u, null, "topic=**", null);

    publishPrivate(u, TOPIC, "secret");
    // a private update with two topics: the billing/42 claim covers one of them
    HttpResponse<String> two = HubHttp.postJson(u,
        "{\"topics\":[\"" + TOPIC + "\",\"billing/42\"],\"data\":\"both\",\"private\":true}");
    assertThat(two.statusCode()).isEqualTo(200);
    HubHttp.publish(u, TOPIC, "marker");

    assertThat(dataThrough(owner, "marker")).containsExactly("secret", "both", "marker");
    assertThat(dataThrough(ownerByOtherTopic, "marker")).containsExactly("both", "marker");
    assertThat(dataThrough(everything, "marker")).containsExactly("secret", "both", "marker");
    assertThat(dataThrough(otherUser, "marker")).containsExactly("marker");
    assertThat(dataThrough(anonymous, "marker")).containsExactly("marker");
  }

  @Test
  void historyObeysTheSameRuleAfterALastEventIdAndFromEarliest() throws Exception {
    URI u = startWithTokens().uri();
    long first = HubHttp.publish(u, TOPIC, "public before");
    publishPrivate(u, TOPIC, "secret");
    HubHttp.publish(u, TOPIC, "marker");

    for (String resume : List.of(Long.toString(first), "earliest")) {
      List<String> expectOwner = new ArrayList<>(resume.equals("earliest") ? List.of("public before") : List.of());
      expectOwner.addAll(List.of("secret", "marker"));
      List<String> expectOther = new ArrayList<>(resume.equals("earliest") ? List.of("public before") : List.of());
      expectOther.add("marker");
      assertThat(dataThrough(subscribeAs(u, "users/42/**", "topic=" + TOPIC, resume), "marker"))
          .as("owner resuming %s", resume).isEqualTo(expectOwner);
      assertThat(dataThrough(subscribeAs(u, "users/7/**", "topic=" + TOPIC, resume), "marker"))
          .as("another user resuming %s", resume).isEqualTo(expectOther);
      assertThat(dataThrough(subscribeAs(u, null, "topic=**", resume), "marker"))
          .as("anonymous resuming %s", resume).isEqualTo(expectOther);
    }
  }

  @Test
  void aPrivateUpdatePublishedWhileASubscriptionReplaysIsBufferedOnlyForTheClaim() throws Exception {
    HubConfig config = config().build();
    StaleReadStore store = new StaleReadStore(SqliteHistoryStore.open(config.dataDir(), config.storeLimits()), 2);
    URI u = startWithTokens(store).uri();
    HubHttp.publish(u, TOPIC, "history");
    // both replays read the store (finding "history") and are then held with that page
    SseTestClient owner = subscribeAs(u, "users/42/**", "topic=" + TOPIC, "earliest");
    SseTestClient other = subscribeAs(u, "users/7/**", "topic=" + TOPIC, "earliest");
    await().atMost(T).until(() -> store.holding.get() == 2);
    // so these reach the two subscriptions only through their live buffers
    publishPrivate(u, TOPIC, "secret");
    HubHttp.publish(u, TOPIC, "marker");
    store.release.countDown();

    assertThat(dataThrough(owner, "marker")).containsExactly("history", "secret", "marker");
    assertThat(dataThrough(other, "marker")).containsExactly("history", "marker");
  }

  @Test
  void aReplayBufferThatOverflowedIsReReadFromTheStoreWithTheSameRule() throws Exception {
    HubConfig config = config().build();
    StaleReadStore store = new StaleReadStore(SqliteHistoryStore.open(config.dataDir(), config.storeLimits()), 2);
    Hub hub = Hub.start(config, store, 2, new TestAuthenticator()); // a buffer of two events
    hubs.add(hub);
    URI u = hub.uri();
    SseTestClient owner = subscribeAs(u, "users/42/**", "topic=" + TOPIC, "earliest");
    SseTestClient other = subscribeAs(u, "users/7/**", "topic=" + TOPIC, "earliest");
    await().atMost(T).until(() -> store.holding.get() == 2);
    List<String> all = List.of("p0", "s1", "p2", "s3", "p4");
    for (String data : all) {
      if (data.startsWith("s")) {
        publishPrivate(u, TOPIC, data);
      } else {
        HubHttp.publish(u, TOPIC, data);
      }
    }
    HubHttp.publish(u, TOPIC, "marker");
    store.release.countDown();

    assertThat(dataThrough(owner, "marker")).containsExactly("p0", "s1", "p2", "s3", "p4", "marker");
    assertThat(dataThrough(other, "marker")).containsExactly("p0", "p2", "p4", "marker");
  }

  @Test
  void anEnvelopeOfAPrivateUpdateListsOnlyTheTopicsTheClaimCovers() throws Exception {
    URI u = startWithTokens().uri();
    SseTestClient partial = subscribeAs(u, "users/42/**", "topic=**&envelope=1", null);
    SseTestClient full = subscribeAs(u, "*", "topic=**&envelope=1", null);
    HttpResponse<String> r = HubHttp.postJson(u,
        "[{\"topics\":[\"" + TOPIC + "\",\"admin/audit\"],\"data\":\"private\",\"private\":true},"
            + "{\"topics\":[\"" + TOPIC + "\",\"admin/audit\"],\"data\":\"public\"}]");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

    JsonNode partialPrivate = HubHttp.parse(partial.next().data());
    assertThat(partialPrivate.get("topics")).extracting(JsonNode::asText).containsExactly(TOPIC);
    assertThat(partialPrivate.get("private").asBoolean()).isTrue();
    JsonNode partialPublic = HubHttp.parse(partial.next().data());
    assertThat(partialPublic.get("topics")).extracting(JsonNode::asText).containsExactly("admin/audit", TOPIC);
    assertThat(partialPublic.has("private")).as("a public envelope is unchanged").isFalse();
    assertThat(HubHttp.parse(full.next().data()).get("topics")).extracting(JsonNode::asText)
        .containsExactly("admin/audit", TOPIC);
    // the same from history
    SseTestClient replayed = subscribeAs(u, "users/42/**", "topic=admin/**&envelope=1", "earliest");
    assertThat(HubHttp.parse(replayed.next().data()).get("topics")).extracting(JsonNode::asText).containsExactly(TOPIC);
  }

  @Test
  void aGapEventNamesNoPrivateUpdate() throws Exception {
    URI u = startWithTokens().uri();
    long publicId = HubHttp.publish(u, TOPIC, "public");
    publishPrivate(u, TOPIC, "secret");
    SseTestClient other = subscribeAs(u, "users/7/**", "topic=" + TOPIC, "not-an-id");
    MessageEvent gap = other.next();
    assertThat(gap.event()).isEqualTo(SubscribeHandler.GAP_EVENT);
    assertThat(gap.data()).doesNotContain("secret").doesNotContain(TOPIC);
    assertThat(other.next().lastEventId()).isEqualTo(Long.toString(publicId));
    assertNothingElseArrives(u, TOPIC, other);
  }

  @Test
  void metricsNameNoTopic() throws Exception {
    URI u = startWithTokens().uri();
    SseTestClient owner = subscribeAs(u, "users/42/**", "topic=" + TOPIC + "&topic=secret-project/*", null);
    publishPrivate(u, TOPIC, "secret");
    HubHttp.publish(u, "secret-project/plans", "public");
    owner.next(2);
    HttpResponse<String> metrics = HubHttp.get(u, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("herald_deliveries_total").contains("herald_token_expiry_closes_total")
        .doesNotContain("users/").doesNotContain("inbox").doesNotContain("secret-project").doesNotContain("plans");
  }

  /**
   * A store whose first {@code holds} reads read at once and then wait for {@link #release}
   * before returning what they read: what is published meanwhile is not in that page, so the
   * replay gets it only from its subscription's live buffer.
   */
  static final class StaleReadStore extends ForwardingStore {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private final int holds;

    StaleReadStore(HistoryStore delegate, int holds) {
      super(delegate);
      this.holds = holds;
    }

    @Override
    public List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
      List<StoredEvent> page = delegate.readAfter(afterId, selectors, limit);
      if (reads.incrementAndGet() <= holds) {
        holding.incrementAndGet();
        try {
          if (!release.await(T.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the replay");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return page;
    }
  }
}
