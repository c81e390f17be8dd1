package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.core.MessageEvent;
import dev.herald.hub.AppendResult;
import dev.herald.hub.DuplicateIdException;
import dev.herald.hub.HistoryStore;
import dev.herald.hub.HistoryStoreContract;
import dev.herald.hub.Hub;
import dev.herald.hub.HubConfig;
import dev.herald.hub.NewEvent;
import dev.herald.hub.StoreKind;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseTestClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problems a review of the Redis store found, each proved against a real redis-server (and, where
 * the client's view matters, a real hub over loopback HTTP).
 */
class RedisReviewTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static RedisServer redis;

  @TempDir Path dir;
  final List<AutoCloseable> opened = new ArrayList<>();

  /** Reaches the contract suite's event factories (package-private in herald-hub). */
  abstract static class Events extends HistoryStoreContract {
    static NewEvent plain(String data, String topic) {
      return ev(data, topic);
    }

    static NewEvent withId(String id, String data, String topic) {
      return custom(id, data, topic);
    }
  }

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisFixture.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  RedisHistoryStore store(HistoryStore.Limits limits, Clock clock) {
    return store(limits, clock, RedisFixture.freshPrefix());
  }

  RedisHistoryStore store(HistoryStore.Limits limits, Clock clock, String prefix) {
    RedisHistoryStore s = RedisHistoryStore.builder(redis.url()).limits(limits).clock(clock).keyPrefix(prefix).build();
    opened.add(s);
    return s;
  }

  static AppendResult append(HistoryStore s, Optional<String> key, NewEvent... events) {
    return s.append(List.of(events), key).orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  void anEntryIdBeyondHeraldsRangeIsNoPositionEvenWithNineteenDigits() {
    // 9999999999999999999 overflows a long: it used to wrap to a negative position
    assertThat(RedisIds.position("9999999999999999999-0")).isEmpty();
    assertThat(RedisIds.position("9223372036854775808-0")).isEmpty();
    assertThat(RedisIds.position(RedisIds.MAX_MS + "-" + RedisIds.MAX_SEQ)).hasValue(Long.MAX_VALUE);
    RedisHistoryStore s = store(HistoryStore.Limits.of(1_000, Duration.ofDays(1), Duration.ofMinutes(5)),
        Clock.systemUTC());
    append(s, Optional.empty(), Events.plain("one", "t"));
    assertThat(s.positionOf("9999999999999999999-0")).isEmpty();
    assertThat(s.positionOf("18446744073709551615-0")).isEmpty();
  }

  @Test
  void aNodeWhoseClockRunsAheadDoesNotTrimEventsYoungerThanTheMaximumAge() {
    String shared = RedisFixture.freshPrefix();
    HistoryStore.Limits limits = HistoryStore.Limits.of(1_000, Duration.ofHours(1), Duration.ofMinutes(5));
    RedisHistoryStore a = store(limits, Clock.systemUTC(), shared);
    RedisHistoryStore ahead = store(limits, Clock.offset(Clock.systemUTC(), Duration.ofHours(2)), shared);
    append(a, Optional.empty(), Events.plain("fresh", "t"));
    ahead.enforceRetention(); // its clock says the event is two hours old; Redis's and a's say seconds
    assertThat(a.readAfter(0, List.of(dev.herald.hub.TopicSelector.parse("t")), 10)).extracting(e -> e.data())
        .containsExactly("fresh");
    assertThat(a.trimmedThrough()).isZero();
  }

  @Test
  void aHugeIdempotencyWindowStillStoresOnceAndAcknowledges() {
    // Limits allow any window; SET … PX <Long.MAX_VALUE> is refused by Redis after the XADDs ran
    RedisHistoryStore s = store(HistoryStore.Limits.of(1_000, Duration.ofDays(1), Duration.ofSeconds(Long.MAX_VALUE)),
        Clock.systemUTC());
    AppendResult first = append(s, Optional.of("k1"), Events.plain("once", "t"));
    AppendResult retry = append(s, Optional.of("k1"), Events.plain("once", "t"));
    assertThat(first.duplicate()).isFalse();
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.wireIds()).isEqualTo(first.wireIds());
    assertThat(s.readAfter(0, List.of(dev.herald.hub.TopicSelector.parse("t")), 10)).extracting(e -> e.data())
        .containsExactly("once");
  }

  @Test
  void aPublisherIdOnAnEventShorterLivedThanAMillisecondIsStillStoredAndAcknowledged() {
    // a max age under 1 ms made the id's SET … PX 0, refused by Redis after the XADD ran
    RedisHistoryStore s = store(HistoryStore.Limits.of(1_000, Duration.ofNanos(500), Duration.ofMinutes(5)),
        Clock.systemUTC());
    AppendResult r = append(s, Optional.empty(), Events.withId("urn:a", "a", "t"));
    assertThat(r.wireIds()).containsExactly("urn:a");
  }

  @Test
  void aPublisherIdStaysTakenAndFindableWhileItsEventIsRetained() throws Exception {
    // the frozen clock never ages the event out: it stays retained however long the test waits
    Clock frozen = Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC);
    Duration maxAge = Duration.ofMillis(1_500);
    RedisHistoryStore s = store(HistoryStore.Limits.of(1_000, maxAge, Duration.ofMinutes(5)), frozen);
    AppendResult first = append(s, Optional.empty(), Events.withId("urn:order:1", "first", "t"));
    RedisClient client = RedisClient.create(redis.url());
    opened.add(client::shutdown);
    StatefulRedisConnection<String, String> c = client.connect();
    long publishedAt = redisMillis(c);
    // wait on Redis's own clock passing the age limit (Redis expires keys by it), not a sleep
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> redisMillis(c) > publishedAt + maxAge.toMillis() + 10);
    s.enforceRetention();
    assertThat(s.readAfter(0, List.of(dev.herald.hub.TopicSelector.parse("t")), 10)).as("still retained")
        .hasSize(1);
    assertThat(s.positionOf("urn:order:1")).as("a resume after it finds it").hasValue(first.firstId());
    Throwable again = s.append(List.of(Events.withId("urn:order:1", "second", "t")), Optional.empty())
        .handle((r, e) -> e).orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(again).as("unique among retained events").isInstanceOf(DuplicateIdException.class);
  }

  private static long redisMillis(StatefulRedisConnection<String, String> c) {
    List<String> t = c.sync().time();
    return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
  }

  @Test
  void aPublisherIdShapedLikeAnEntryIdIsRefusedWith400SoAResumeCannotSkip() throws Exception {
    Hub hub = Hub.start(HubConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("a"))
        .store(StoreKind.REDIS).redisUrl(redis.url() + "/1").build());
    opened.add(hub);
    HttpResponse<String> one = send(hub, "/publish", "topic=news&data=one");
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    String oneId = JSON.readTree(one.body()).get("id").asText();
    // a Mercure publisher chooses the id the first event already carries on the wire
    HttpResponse<String> two = send(hub, "/.well-known/mercure",
        "topic=news&data=two&id=" + URLEncoder.encode(oneId, StandardCharsets.UTF_8));
    assertThat(two.statusCode()).as(two.body()).isEqualTo(400);
    assertThat(JSON.readTree(two.body()).toString()).contains("id").contains(oneId);
    // a subscriber that saw "one" resumes after it and misses nothing published since
    HttpResponse<String> three = send(hub, "/publish", "topic=news&data=three");
    assertThat(three.statusCode()).isEqualTo(200);
    SseTestClient resumed = SseTestClient.open(HttpRequest.newBuilder(hub.uri().resolve("/events?topic=news"))
        .header("Accept", "text/event-stream").header("Last-Event-ID", oneId).GET().build());
    opened.add(resumed::close);
    assertThat(resumed.next()).extracting(MessageEvent::data).isEqualTo("three");
  }

  private static HttpResponse<String> send(Hub hub, String path, String form) throws Exception {
    return SseTestClient.HTTP.send(HttpRequest.newBuilder(hub.uri().resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStartAgainstAHungRedisFailsWithinTheConfiguredTimeout() throws Exception {
    try (RedisServer hung = RedisFixture.start()) {
      hung.pause(); // accepts connections (the kernel does) but answers nothing
      java.util.concurrent.CompletableFuture<RedisHistoryStore> start = java.util.concurrent.CompletableFuture
          .supplyAsync(() -> RedisHistoryStore.builder(hung.url()).timeout(Duration.ofMillis(500)).build());
      // Lettuce's handshake used its own 60 s default, not the store's timeout; 30 s is 60 times the timeout
      assertThat(start).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(dev.herald.hub.StoreUnavailableException.class);
    }
  }

  @Test
  void anAppendThatTimedOutOnAHungRedisSaysItMayBeStoredAndItIs() throws Exception {
    try (RedisServer own = RedisFixture.start()) {
      RedisHistoryStore s = RedisHistoryStore.builder(own.url()).timeout(Duration.ofMillis(500))
          .keyPrefix(RedisFixture.freshPrefix()).build();
      opened.add(s);
      append(s, Optional.empty(), Events.plain("before", "t"));
      own.pause();
      Throwable failed = s.append(List.of(Events.plain("during", "t")), Optional.of("k-during"))
          .handle((r, e) -> e).orTimeout(30, TimeUnit.SECONDS).join();
      own.resume(); // Redis runs what it had received: the append the store gave up on
      assertThat(failed).isInstanceOf(dev.herald.hub.StoreUnavailableException.class);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> s.readAfter(0,
          List.of(dev.herald.hub.TopicSelector.parse("t")), 10).size() == 2);
      assertThat(((dev.herald.hub.StoreUnavailableException) failed).mayBeStored())
          .as("it was stored, so the failure must not say nothing was: %s", failed.getMessage()).isTrue();
      // the retry the hub then advises is answered with the first result, not stored twice
      AppendResult retry = append(s, Optional.of("k-during"), Events.plain("during", "t"));
      assertThat(retry.duplicate()).isTrue();
    }
  }

  @Test
  void aPublishThatTimedOutOnAHungRedisAnswers503SayingItMayBePublished() throws Exception {
    try (RedisServer own = RedisFixture.start()) {
      Hub hub = Hub.start(HubConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("h"))
          .store(StoreKind.REDIS).redisUrl(own.url() + "/0").build());
      opened.add(hub);
      own.pause();
      HttpResponse<String> r;
      try {
        r = send(hub, "/publish", "topic=t&data=during");
      } finally {
        own.resume();
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      String message = JSON.readTree(r.body()).get("message").asText();
      assertThat(message).contains("unavailable").contains("may or may not be published")
          .doesNotContain("nothing was published");
    }
  }

  @Test
  void anAppendWhoseEntryRedisLostBeforeTheTailReadItIsNotAcknowledged() throws Exception {
    try (RedisServer own = RedisFixture.start()) {
      String prefix = RedisFixture.freshPrefix();
      RedisHistoryStore s = RedisHistoryStore.builder(own.url()).keyPrefix(prefix).build();
      opened.add(s);
      List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      s.onAppended(batch -> batch.forEach(e -> seen.add(e.data())));
      RedisClient client = RedisClient.create(own.url());
      opened.add(client::shutdown);
      StatefulRedisConnection<String, String> c = client.connect();
      // the tail may not read for a while (ACL), while appends still run: its blocked read ends (after
      // its block time), every retry is refused, and the store says it cannot read the stream
      // (the tail reads with XRANGE inside a script and waits with XREAD; appends that do not trim use neither)
      c.sync().aclSetuser("default", io.lettuce.core.AclSetuserArgs.Builder.removeCommand(
          io.lettuce.core.protocol.CommandType.XREAD).removeCommand(io.lettuce.core.protocol.CommandType.XRANGE));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> s.checkReady().isPresent());
      java.util.concurrent.CompletableFuture<AppendResult> lost = s.append(List.of(Events.plain("lost", "t")),
          Optional.empty());
      // Redis forgets that entry before this node read it back (as a restart without AOF would)
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> c.sync().xlen(prefix + ":stream") == 1);
      String lostId = c.sync().xrevrange(prefix + ":stream", io.lettuce.core.Range.create("-", "+"),
          io.lettuce.core.Limit.from(1)).get(0).getId();
      c.sync().xdel(prefix + ":stream", lostId);
      java.util.concurrent.CompletableFuture<AppendResult> kept = s.append(List.of(Events.plain("kept", "t")),
          Optional.empty());
      c.sync().aclSetuser("default", io.lettuce.core.AclSetuserArgs.Builder.addCommand(
          io.lettuce.core.protocol.CommandType.XREAD).addCommand(io.lettuce.core.protocol.CommandType.XRANGE));
      assertThat(kept).succeedsWithin(Duration.ofSeconds(30));
      assertThat(seen).containsExactly("kept");
      assertThat(lost).as("never stored as far as any reader can tell, and never seen by the listener")
          .failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(dev.herald.hub.StoreUnavailableException.class);
    }
  }

  @Test
  void theRingOfSeenPositionsTellsSkippedFromSeenAndAnswersYesWhereItCannotTell() {
    RedisSeen seen = new RedisSeen(4, 10);
    List<dev.herald.hub.StoredEvent> batch = new ArrayList<>();
    for (long id : new long[] {11, 12, 14, 15, 17, 18}) { // 13 and 16 skipped
      batch.add(dev.herald.hub.StoredEvent.builder().id(id).topics(List.of("t")).data("").build());
    }
    seen.add(batch);
    assertThat(seen.seenOrTooOld(10)).as("before the tail started").isTrue();
    assertThat(seen.seenOrTooOld(11)).as("dropped from the ring: too old to tell").isTrue();
    assertThat(seen.seenOrTooOld(12)).as("dropped from the ring: too old to tell").isTrue();
    assertThat(seen.seenOrTooOld(13)).as("skipped, above what was dropped").isFalse();
    assertThat(seen.seenOrTooOld(14)).isTrue();
    assertThat(seen.seenOrTooOld(16)).isFalse();
    assertThat(seen.seenOrTooOld(17)).isTrue();
    assertThat(seen.seenOrTooOld(18)).isTrue();
    assertThat(seen.seenOrTooOld(19)).isFalse();
  }

  @Test
  void closeAndAFailedStartLeaveNoThreadsBehind() throws ExecutionException {
    RedisHistoryStore s = store(HistoryStore.Limits.of(1_000, Duration.ofDays(1), Duration.ofMinutes(5)),
        Clock.systemUTC());
    append(s, Optional.empty(), Events.plain("x", "t"));
    s.close();
    for (int i = 0; i < 3; i++) {
      try {
        RedisHistoryStore.builder("redis://127.0.0.1:1/0").timeout(Duration.ofSeconds(1)).build().close();
      } catch (dev.herald.hub.StoreUnavailableException expected) {
        // Redis is not there: the start fails, and must release what it took
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.isAlive() && (t.getName().startsWith("lettuce-") || t.getName().startsWith("herald-redis")))
        .extracting(Thread::getName).isEmpty());
  }
}
