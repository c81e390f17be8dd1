package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link HistoryStore} contract, the one test suite every store passes: a subclass (in any
 * module, through herald-hub's test jar) says how to make a store. The suite assumes nothing
 * about ids beyond the contract: positions increase (not necessarily consecutively) and wire ids
 * are opaque (a decimal one is the position, any other resolves through {@code positionOf}).
 */
public abstract class HistoryStoreContract {
  static final Duration DAY = Duration.ofDays(1);
  static final Duration WINDOW = Duration.ofMinutes(5);

  /** A fresh directory per test, for a store that keeps files. */
  @TempDir
  protected Path dir;
  final TestClock clock = new TestClock(1_700_000_000_000L);
  /** Every store the test opened; closed after it. */
  protected final List<HistoryStore> opened = new ArrayList<>();

  /**
   * A new store with {@code limits} whose retention and idempotency go by {@code clock} (for a
   * durable store, over the same data each time it is called in one test).
   */
  protected abstract HistoryStore create(HistoryStore.Limits limits, Clock clock);

  HistoryStore open(long maxEvents, Duration maxAge, Duration window) {
    HistoryStore s = create(new HistoryStore.Limits(maxEvents, maxAge, window), clock);
    opened.add(s);
    return s;
  }

  HistoryStore open() {
    return open(1_000_000, DAY, WINDOW);
  }

  /** Closes every store the test opened. */
  @AfterEach
  public void closeStores() {
    opened.forEach(HistoryStore::close);
  }

  protected static NewEvent ev(String data, String... topics) {
    return new NewEvent(Arrays.asList(topics), Optional.empty(), data, Optional.empty());
  }

  protected static AppendResult append(HistoryStore s, NewEvent... events) {
    return s.append(List.of(events), Optional.empty()).orTimeout(30, TimeUnit.SECONDS).join();
  }

  protected static AppendResult appendKeyed(HistoryStore s, String key, NewEvent... events) {
    return s.append(List.of(events), Optional.of(key)).orTimeout(30, TimeUnit.SECONDS).join();
  }

  protected static List<Long> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::id).collect(Collectors.toList());
  }

  protected static List<Long> ids(AppendResult r) {
    return ids(r.events());
  }

  protected static List<StoredEvent> read(HistoryStore s, long after, int limit, String... selectors) {
    return s.readAfter(after, Arrays.stream(selectors).map(TopicSelector::parse).collect(Collectors.toList()), limit);
  }

  /** {@code lists} concatenated. */
  @SafeVarargs
  static <T> List<T> concat(List<T>... lists) {
    List<T> all = new ArrayList<>();
    for (List<T> l : lists) {
      all.addAll(l);
    }
    return all;
  }

  /** The {@code oneBased}-th ids of {@code all} (1 is the first). */
  static List<Long> pick(List<Long> all, int... oneBased) {
    List<Long> picked = new ArrayList<>();
    for (int i : oneBased) {
      picked.add(all.get(i - 1));
    }
    return picked;
  }

  static void assertIncreasing(List<Long> ids) {
    assertThat(ids).isNotEmpty();
    assertThat(ids.get(0)).isPositive();
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).as("id %d of %s", i, ids).isGreaterThan(ids.get(i - 1));
    }
  }

  /** The ids of single-event appends of {@code data[i]} on topic {@code topics[i]}, in order. */
  static List<Long> appendEach(HistoryStore s, List<String> data, List<String> topics) {
    List<Long> all = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      all.addAll(append(s, ev(data.get(i), topics.get(i))).ids());
    }
    return all;
  }

  @Test
  public void idsIncreaseAcrossBatchesAndWireIdsResolveToThem() {
    HistoryStore s = open();
    assertThat(s.lastId()).isZero();
    assertThat(s.trimmedThrough()).isZero();
    AppendResult a = append(s, ev("a", "t"));
    AppendResult r = append(s, ev("b", "t"), ev("c", "u"), ev("d", "t", "u"));
    AppendResult e = append(s, ev("e", "t"));
    List<Long> all = concat(a.ids(), r.ids(), e.ids());
    assertIncreasing(all);
    assertThat(all).hasSize(5);
    assertThat(r.ids()).isEqualTo(ids(r));
    assertThat(r.wireIds()).isEqualTo(r.events().stream().map(StoredEvent::wireId).collect(Collectors.toList()));
    assertThat(r.duplicate()).isFalse();
    assertThat(r.size()).isEqualTo(3);
    assertThat(s.lastId()).isEqualTo(e.lastId());
    List<StoredEvent> stored = read(s, 0, 100, "**");
    assertThat(stored).containsExactlyElementsOf(concat(a.events(), r.events(), e.events()));
    assertThat(stored.get(3).topics()).containsExactly("t", "u");
    for (StoredEvent ev : stored) {
      if (ev.wireId().chars().allMatch(c -> c >= '0' && c <= '9')) {
        assertThat(Long.parseLong(ev.wireId())).as("a decimal wire id is the position").isEqualTo(ev.id());
      } else {
        assertThat(s.positionOf(ev.wireId())).as("wire id %s", ev.wireId()).hasValue(ev.id());
      }
      assertThat(ev.wireId()).isEqualTo(ev.storeId());
    }
  }

  @Test
  public void thePrivateFlagIsKeptByAppendListenerReadAndRepeat() {
    HistoryStore s = open();
    List<List<StoredEvent>> seen = new CopyOnWriteArrayList<>();
    s.onAppended(seen::add);
    NewEvent secret = new NewEvent(List.of("u/1", "t"), Optional.of("e"), "secret", Optional.empty(), true);
    AppendResult r = appendKeyed(s, "k", ev("public", "t"), secret);
    assertThat(r.events()).extracting(StoredEvent::isPrivate).containsExactly(false, true);
    assertThat(seen.get(0)).extracting(StoredEvent::isPrivate).containsExactly(false, true);
    assertThat(read(s, 0, 100, "t")).extracting(StoredEvent::isPrivate).containsExactly(false, true);
    assertThat(read(s, 0, 100, "**")).isEqualTo(r.events());
    AppendResult repeat = appendKeyed(s, "k", ev("public", "t"), secret);
    assertThat(repeat.duplicate()).isTrue();
    assertThat(repeat.events()).isEqualTo(r.events());
    assertThat(repeat.events().get(1).isPrivate()).isTrue();
  }

  @Test
  public void aBadBatchLeavesNothing() {
    HistoryStore s = open();
    AppendResult first = append(s, ev("a", "t"));
    NewEvent negativeRetry = new NewEvent(List.of("t"), Optional.empty(), "x", Optional.of(Duration.ofMillis(-1)));
    for (List<NewEvent> bad : List.of(List.of(ev("b", "t"), negativeRetry), List.of(ev("b", "t"), ev("c", "u", "u")), List.<NewEvent>of())) {
      assertThat(s.append(bad, Optional.empty())).failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(s.lastId()).isEqualTo(first.lastId());
    assertThat(ids(read(s, 0, 100, "**"))).isEqualTo(first.ids());
    AppendResult next = append(s, ev("d", "t"), ev("e", "t"));
    assertIncreasing(concat(first.ids(), next.ids()));
    assertThat(ids(read(s, 0, 100, "**"))).isEqualTo(concat(first.ids(), next.ids()));
  }

  @Test
  public void appendsFailAfterClose() {
    HistoryStore s = open();
    append(s, ev("a", "t"));
    assertThat(s.isReady()).isTrue();
    s.close();
    s.close();
    assertThat(s.isReady()).isFalse();
    assertThat(s.append(List.of(ev("b", "t")), Optional.empty())).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(StoreUnavailableException.class);
  }

  @Test
  public void listenerSeesEachBatchOnceInIdOrderBeforeTheFutureCompletes() {
    HistoryStore s = open();
    List<List<StoredEvent>> seen = new CopyOnWriteArrayList<>();
    s.onAppended(seen::add);
    List<Long> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      AppendResult r = append(s, ev("a" + i, "t"), ev("b" + i, "u"));
      assertThat(seen).last().isEqualTo(r.events());
      all.addAll(r.ids());
    }
    all.addAll(appendKeyed(s, "k", ev("k", "t")).ids());
    appendKeyed(s, "k", ev("k", "t"));
    assertThat(seen).hasSize(6);
    assertThat(all).hasSize(11);
    assertThat(seen.stream().flatMap(List::stream).map(StoredEvent::id)).containsExactlyElementsOf(all);
  }

  @Test
  public void listenerOrderHoldsUnderEightConcurrentPublishers() throws Exception {
    HistoryStore s = open();
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicLong maxSeen = new AtomicLong();
    s.onAppended(batch -> {
      batch.forEach(e -> seen.add(e.id()));
      maxSeen.set(batch.get(batch.size() - 1).id());
    });
    List<String> violations = new CopyOnWriteArrayList<>();
    int threads = 8;
    int perThread = 150;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> all = new CopyOnWriteArrayList<>();
    List<Long> assigned = new CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      pool.execute(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          List<NewEvent> batch = new ArrayList<>();
          for (int k = 0; k <= i % 3; k++) {
            batch.add(ev(thread + "/" + i + "/" + k, "t" + thread));
          }
          all.add(s.append(batch, Optional.empty()).thenAccept(r -> {
            assigned.addAll(r.ids());
            long last = r.events().get(r.events().size() - 1).id();
            if (maxSeen.get() < last) {
              violations.add("future of " + last + " completed before the listener saw it");
            }
          }));
        }
      });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    long total = threads * (perThread / 3 * 6L);
    assertThat(violations).isEmpty();
    assertThat(seen).hasSize((int) total);
    assertIncreasing(seen);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(assigned);
    assertThat(s.lastId()).isEqualTo(seen.get(seen.size() - 1));
    assertThat(read(s, 0, 100_000, "**")).hasSize((int) total);
  }

  @Test
  public void readAfterFiltersByExactAndWildcardSelectors() {
    HistoryStore s = open();
    List<Long> n = concat(append(s, ev("1", "chat/a"), ev("2", "chat/b"), ev("3", "news/x", "chat/a")).ids(),
        append(s, ev("4", "chat/a/deep"), ev("5", "news/y"), ev("6", "chat")).ids());
    assertThat(ids(read(s, 0, 100, "chat/a"))).isEqualTo(pick(n, 1, 3));
    assertThat(ids(read(s, 0, 100, "chat/*"))).isEqualTo(pick(n, 1, 2, 3));
    assertThat(ids(read(s, 0, 100, "chat/**"))).isEqualTo(pick(n, 1, 2, 3, 4));
    assertThat(ids(read(s, 0, 100, "**"))).isEqualTo(n);
    // a lone * is every topic (Mercure), no longer one-segment topics only
    assertThat(ids(read(s, 0, 100, "*"))).isEqualTo(n);
    assertThat(ids(read(s, 0, 100, "*/x"))).isEqualTo(pick(n, 3));
    assertThat(ids(read(s, 0, 100, "*/*/deep"))).isEqualTo(pick(n, 4));
    assertThat(ids(read(s, 0, 100, "chat/a", "news/*"))).isEqualTo(pick(n, 1, 3, 5));
    assertThat(ids(read(s, 0, 100, "chat/a", "chat/*", "*/x"))).isEqualTo(pick(n, 1, 2, 3));
    assertThat(read(s, 0, 100, "news/*").get(0).topics()).containsExactly("chat/a", "news/x");
    assertThat(ids(read(s, 0, 100, "nothing", "nothing/**"))).isEmpty();
    assertThat(s.readAfter(0, List.of(), 100)).isEmpty();
  }

  @Test
  public void readAfterFiltersByUriTemplates() {
    HistoryStore s = open();
    List<Long> n = concat(append(s, ev("1", "https://example.com/books/1"), ev("2", "https://example.com/books/1/reviews")).ids(),
        append(s, ev("3", "https://example.com/books/"), ev("4", "https://example.com/users/1")).ids(),
        append(s, ev("5", "https://example.com/books/caf%C3%A9"), ev("6", "https://example.com/books/café")).ids());
    assertThat(ids(read(s, 0, 100, "https://example.com/books/{id}"))).isEqualTo(pick(n, 1, 3, 5));
    assertThat(ids(read(s, 0, 100, "https://example.com/books/{+rest}"))).isEqualTo(pick(n, 1, 2, 3, 5));
    assertThat(ids(read(s, 0, 100, "{+any}"))).isEqualTo(pick(n, 1, 2, 3, 4, 5));
    assertThat(ids(read(s, 0, 100, "https://example.com/{kind}/1"))).isEqualTo(pick(n, 1, 4));
    assertThat(ids(read(s, 0, 100, "https://example.com/books/{id}", "https://example.com/users/1"))).isEqualTo(pick(n, 1, 3, 4, 5));
  }

  @Test
  public void readAfterFindsATopicEqualToTheSelectorsLiteralPrefix() {
    HistoryStore s = open();
    List<Long> n = append(s, ev("1", "chat/"), ev("2", "chat/a"), ev("3", "chat0")).ids();
    assertThat(ids(read(s, 0, 100, "chat/*"))).isEqualTo(pick(n, 1, 2));
    assertThat(ids(read(s, 0, 100, "chat/{x}"))).isEqualTo(pick(n, 1, 2));
  }

  @Test
  public void readAfterHonoursLimitAndAfterId() {
    HistoryStore s = open();
    List<Long> n = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      n.addAll(append(s, ev("" + i, i % 2 == 0 ? "even" : "odd")).ids());
    }
    assertThat(ids(read(s, 0, 3, "**"))).isEqualTo(pick(n, 1, 2, 3));
    assertThat(ids(read(s, 0, 3, "even", "odd"))).isEqualTo(pick(n, 1, 2, 3));
    assertThat(ids(read(s, n.get(3), 2, "even"))).isEqualTo(pick(n, 5, 7));
    assertThat(ids(read(s, n.get(3), 100, "*"))).isEqualTo(pick(n, 5, 6, 7, 8, 9, 10));
    assertThat(ids(read(s, n.get(8), 100, "even", "odd"))).isEqualTo(pick(n, 10));
    assertThat(read(s, n.get(9), 100, "**")).isEmpty();
    assertThat(read(s, n.get(9) + 1_000, 100, "**", "even")).isEmpty();
    assertThat(read(s, 0, 0, "**")).isEmpty();
  }

  protected static NewEvent custom(String id, String data, String... topics) {
    return ev(data, topics).withCustomId(id);
  }

  protected static Throwable failure(CompletableFuture<AppendResult> f) {
    return f.handle((r, e) -> e).orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  public void aCustomIdIsTheWireIdAndAResumePoint() {
    HistoryStore s = open();
    List<List<StoredEvent>> seen = new CopyOnWriteArrayList<>();
    s.onAppended(seen::add);
    AppendResult r = append(s, ev("a", "t"), custom("urn:uuid:b", "b", "t"), ev("c", "u"));
    AppendResult d = append(s, ev("d", "t"));
    List<String> own = r.events().stream().map(StoredEvent::storeId).collect(Collectors.toList());
    assertThat(r.wireIds()).containsExactly(own.get(0), "urn:uuid:b", own.get(2));
    assertThat(own.get(1)).isNotEqualTo("urn:uuid:b");
    assertThat(seen.get(0).get(1).wireId()).isEqualTo("urn:uuid:b");
    assertThat(read(s, 0, 100, "t")).extracting(StoredEvent::wireId).containsExactly(own.get(0), "urn:uuid:b", d.wireIds().get(0));
    assertThat(s.positionOf("urn:uuid:b")).hasValue(r.ids().get(1));
    assertThat(ids(read(s, s.positionOf("urn:uuid:b").getAsLong(), 100, "**"))).containsExactly(r.ids().get(2), d.firstId());
    assertThat(s.positionOf("urn:uuid:nope")).isEmpty();
    assertThat(s.positionOf(Long.toString(r.ids().get(1)))).as("a decimal id is not a publisher id").isEmpty();
  }

  @Test
  public void aTakenCustomIdRefusesTheWholeBatch() {
    HistoryStore s = open();
    AppendResult first = append(s, custom("urn:x:1", "one", "t"));
    assertThat(failure(s.append(List.of(ev("a", "t"), custom("urn:x:1", "again", "t")), Optional.empty())))
        .isInstanceOf(DuplicateIdException.class);
    assertThat(failure(s.append(List.of(custom("urn:x:2", "a", "t"), custom("urn:x:2", "b", "t")), Optional.empty())))
        .as("twice in one batch").isInstanceOf(DuplicateIdException.class);
    assertThat(s.lastId()).isEqualTo(first.lastId());
    assertThat(read(s, 0, 100, "**")).extracting(StoredEvent::data).containsExactly("one");
    assertThat(s.positionOf("urn:x:2")).isEmpty();
    AppendResult two = append(s, custom("urn:x:2", "two", "t"));
    assertThat(two.firstId()).isGreaterThan(first.lastId());
    assertThat(s.positionOf("urn:x:2")).hasValue(two.firstId());
  }

  @Test
  public void concurrentAppendsOfOneCustomIdStoreOnce() throws Exception {
    HistoryStore s = open();
    List<CompletableFuture<AppendResult>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(s.append(List.of(custom("urn:race", "" + i, "t")), Optional.empty()));
    }
    long stored = all.stream().filter(f -> failure(f) == null).count();
    assertThat(stored).isEqualTo(1);
    assertThat(read(s, 0, 100, "t")).hasSize(1);
  }

  @Test
  public void aTrimmedCustomIdIsNoLongerAResumePoint() {
    HistoryStore s = open(2, DAY, WINDOW);
    AppendResult old = append(s, custom("urn:old", "0", "t"));
    append(s, ev("1", "t"), ev("2", "t"));
    s.enforceRetention();
    assertThat(s.trimmedThrough()).isEqualTo(old.lastId());
    assertThat(s.positionOf("urn:old")).isEmpty();
    AppendResult again = append(s, custom("urn:old", "reused", "t"));
    assertThat(s.positionOf("urn:old")).as("a trimmed custom id may be used again").hasValue(again.firstId());
  }

  @Test
  public void retentionByCountKeepsTheNewest() {
    HistoryStore s = open(5, DAY, WINDOW);
    List<Long> n = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      n.addAll(append(s, ev("" + i, "t")).ids());
    }
    s.enforceRetention();
    assertThat(ids(read(s, 0, 100, "t"))).isEqualTo(pick(n, 8, 9, 10, 11, 12));
    assertThat(s.trimmedThrough()).isEqualTo(n.get(6));
    assertThat(s.lastId()).isEqualTo(n.get(11));
  }

  @Test
  public void retentionByAgeAndIdsAreNeverReused() {
    HistoryStore s = open(1_000, Duration.ofSeconds(10), WINDOW);
    AppendResult old = append(s, ev("1", "t"), ev("2", "t"), ev("3", "t"));
    clock.advance(Duration.ofSeconds(6));
    AppendResult newer = append(s, ev("4", "t"), ev("5", "u"));
    clock.advance(Duration.ofSeconds(5));
    s.enforceRetention();
    assertThat(ids(read(s, 0, 100, "**"))).isEqualTo(newer.ids());
    assertThat(s.trimmedThrough()).isEqualTo(old.lastId());
    clock.advance(Duration.ofSeconds(20));
    s.enforceRetention();
    assertThat(read(s, 0, 100, "**")).isEmpty();
    assertThat(s.trimmedThrough()).isEqualTo(newer.lastId());
    assertThat(s.lastId()).isEqualTo(newer.lastId());
    assertThat(append(s, ev("6", "t")).firstId()).isGreaterThan(newer.lastId());
  }

  @Test
  public void aRepeatedIdempotencyKeyReturnsTheFirstEvents() {
    HistoryStore s = open();
    List<List<StoredEvent>> seen = new CopyOnWriteArrayList<>();
    s.onAppended(seen::add);
    AppendResult first = appendKeyed(s, "k1", ev("a", "t"), ev("b", "t"));
    AppendResult again = appendKeyed(s, "k1", ev("other", "t"));
    assertThat(first.duplicate()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(again.ids()).isEqualTo(first.ids());
    assertThat(again.wireIds()).isEqualTo(first.wireIds());
    assertThat(s.lastId()).isEqualTo(first.lastId());
    assertThat(seen).hasSize(1);
    AppendResult k2 = appendKeyed(s, "k2", ev("c", "t"));
    assertThat(k2.duplicate()).isFalse();
    assertThat(k2.firstId()).isGreaterThan(first.lastId());
    clock.advance(WINDOW.plusSeconds(1));
    s.enforceRetention();
    AppendResult late = appendKeyed(s, "k1", ev("d", "t"));
    assertThat(late.duplicate()).isFalse();
    assertThat(late.firstId()).isGreaterThan(k2.lastId());
    assertThat(appendKeyed(s, "k1", ev("e", "t")).events()).isEqualTo(late.events());
  }

  @Test
  public void concurrentAppendsWithTheSameKeyStoreOnce() throws Exception {
    HistoryStore s = open();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<AppendResult>> results = new CopyOnWriteArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      pool.execute(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 10; i++) {
          results.add(s.append(List.of(ev("from " + thread, "t")), Optional.of("same")));
        }
      });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    List<AppendResult> done = new ArrayList<>();
    for (CompletableFuture<AppendResult> f : results) {
      done.add(f.get(30, TimeUnit.SECONDS));
    }
    assertThat(done).filteredOn(r -> !r.duplicate()).hasSize(1);
    List<Long> stored = done.stream().filter(r -> !r.duplicate()).findFirst().orElseThrow().ids();
    assertThat(done).allSatisfy(r -> assertThat(ids(r)).isEqualTo(stored));
    assertThat(s.lastId()).isEqualTo(stored.get(0));
    assertThat(read(s, 0, 100, "**")).hasSize(1);
  }

  @Test
  public void throughputIsPrinted() throws Exception {
    HistoryStore s = open();
    int threads = 8;
    int perThread = 2_500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<CompletableFuture<Void>> ends = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      ends.add(CompletableFuture.runAsync(() -> {
        Semaphore inFlight = new Semaphore(32);
        for (int i = 0; i < perThread; i++) {
          inFlight.acquireUninterruptibly();
          s.append(List.of(ev("event " + i, "bench/" + thread)), Optional.empty())
              .whenComplete((r, e) -> inFlight.release());
        }
        inFlight.acquireUninterruptibly(32);
      }, pool));
    }
    CompletableFuture.allOf(ends.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    assertThat(read(s, 0, threads * perThread + 1, "**")).hasSize(threads * perThread);
    System.out.printf("%s: %d single-event appends from %d threads (32 in flight each) in %.2f s = %.0f appends/s%n",
        getClass().getSimpleName(), threads * perThread, threads, seconds, threads * perThread / seconds);
  }
}
