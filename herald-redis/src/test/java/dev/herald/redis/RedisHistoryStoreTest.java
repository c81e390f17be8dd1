package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.HistoryStore;
import dev.herald.hub.HistoryStoreContract;
import dev.herald.hub.StoreUnavailableException;
import dev.herald.testing.RedisServer;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store contract, and what is Redis's own, against a real redis-server. */
class RedisHistoryStoreTest extends HistoryStoreContract {
  static RedisServer redis;
  final AtomicReference<String> prefix = new AtomicReference<>();

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

  @BeforeEach
  void newPrefix() {
    prefix.set(RedisFixture.freshPrefix());
  }

  @Override
  protected HistoryStore create(HistoryStore.Limits limits, Clock clock) {
    return RedisHistoryStore.builder(redis.url()).limits(limits).clock(clock).keyPrefix(prefix.get()).build();
  }

  @Test
  void positionsAreTheEntryIdsBitsAndWireIdsTheEntryIds() {
    assertThat(RedisIds.position("1700000000000-5")).hasValue(1700000000000L << 20 | 5);
    assertThat(RedisIds.id(1700000000000L << 20 | 5)).isEqualTo("1700000000000-5");
    assertThat(RedisIds.position("1-1048576")).as("a sequence past 2^20 - 1 does not fit").isEmpty();
    assertThat(RedisIds.position("1-1048575")).hasValue((1L << 20) + 1048575);
    assertThat(RedisIds.position("12")).isEmpty();
    assertThat(RedisIds.position("0-0")).isEmpty();
    assertThat(RedisIds.position("a-1")).isEmpty();
  }

  @Test
  void appendsFailAsUnavailableWhenRedisIsGoneAndReadinessSaysSo() throws Exception {
    try (RedisServer own = RedisFixture.start()) {
      HistoryStore s = RedisHistoryStore.builder(own.url()).timeout(java.time.Duration.ofSeconds(1))
          .keyPrefix(prefix.get()).build();
      opened.add(s);
      assertThat(append(s, ev("before", "t")).duplicate()).isFalse();
      assertThat(s.checkReady()).isEmpty();
      own.kill();
      assertThat(s.append(java.util.List.of(ev("during", "t")), java.util.Optional.empty()))
          .failsWithin(java.time.Duration.ofSeconds(30))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(StoreUnavailableException.class)
          .withMessageContaining("unavailable");
      assertThat(s.checkReady()).hasValueSatisfying(why -> assertThat(why).contains("unavailable"));
    }
  }

  @Test
  void afterRedisLostItsLastWritesNewIdsStillGoAboveWhatThisNodeDelivered() throws Exception {
    try (RedisServer own = RedisFixture.start()) { // no AOF, no snapshots: a restart forgets the stream
      java.time.Clock frozen = java.time.Clock.fixed(java.time.Instant.ofEpochMilli(1_800_000_000_000L),
          java.time.ZoneOffset.UTC); // the same millisecond before and after: only the floor tells them apart
      HistoryStore s = RedisHistoryStore.builder(own.url()).clock(frozen).timeout(java.time.Duration.ofSeconds(2))
          .keyPrefix(prefix.get()).build();
      opened.add(s);
      java.util.List<dev.herald.hub.StoredEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      s.onAppended(seen::addAll);
      dev.herald.hub.AppendResult before = append(s, ev("before", "t"));
      own.restart();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> s.checkReady().isEmpty());
      dev.herald.hub.AppendResult after = append(s, ev("after", "t"));
      assertThat(after.firstId()).isGreaterThan(before.lastId());
      assertThat(seen).extracting(dev.herald.hub.StoredEvent::data).containsExactly("before", "after");
    }
  }

  @Test
  void aStoreThatCannotReachRedisSaysSoWithoutThePassword() {
    assertThatThrownBy(() -> RedisHistoryStore.builder("redis://:s3cret-pw@127.0.0.1:1/0")
        .timeout(java.time.Duration.ofSeconds(2)).build())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("redis://127.0.0.1:1/0")
        .hasMessageNotContaining("s3cret-pw");
    assertThatThrownBy(() -> RedisHistoryStore.builder("http://127.0.0.1:1").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
  }
}
