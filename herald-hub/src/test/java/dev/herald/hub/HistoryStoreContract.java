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
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link HistoryStore} contract, run against each implementation by a subclass. */
abstract class HistoryStoreContract {
  static final Duration DAY = Duration.ofDays(1);
  static final Duration WINDOW = Duration.ofMinutes(5);

  @TempDir
  Path dir;
  final TestClock clock = new TestClock(1_700_000_000_000L);
  final List<HistoryStore> opened = new ArrayList<>();

  /** A new store over {@link #dir} (for a durable store, the same data each time). */
  abstract HistoryStore create(HistoryStore.Limits limits, Clock clock);

  HistoryStore open(long maxEvents, Duration maxAge, Duration window) {
    HistoryStore s = create(new HistoryStore.Limits(maxEvents, maxAge, window), clock);
    opened.add(s);
    return s;
  }

  HistoryStore open() {
    return open(1_000_000, DAY, WINDOW);
  }

  @AfterEach
  void closeStores() {
    opened.forEach(HistoryStore::close);
  }

  static NewEvent ev(String data, String... topics) {
    return new NewEvent(Arrays.asList(topics), Optional.empty(), data, Optional.empty());
  }

  static AppendResult append(HistoryStore s, NewEvent... events) {
    return s.append(List.of(events), Optional.empty()).orTimeout(30, TimeUnit.SECONDS).join();
  }

  static AppendResult appendKeyed(HistoryStore s, String key, NewEvent... events) {
    return s.append(List.of(events), Optional.of(key)).orTimeout(30, TimeUnit.SECONDS).join();
  }

  static List<Long> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::id).collect(Collectors.toList());
  }

  static List<Long> ids(AppendResult r) {
    return ids(r.events());
  }

  static List<StoredEvent> read(HistoryStore s, long after, int limit, String... selectors) {
    return s.readAfter(after, Arrays.stream(selectors).map(TopicSelector::parse).collect(Collectors.toList()), limit);
  }

  @Test
  void idsAreConsecutiveAndIncreasingAcrossBatches() {
    HistoryStore s = open();
    assertThat(s.lastId()).isZero();
    assertThat(ids(append(s, ev("a", "t")))).containsExactly(1L);
    AppendResult r = append(s, ev("b", "t"), ev("c", "u"), ev("d", "t", "u"));
    assertThat(ids(r)).containsExactly(2L, 3L, 4L);
    assertThat(r.duplicate()).isFalse();
    assertThat(ids(append(s, ev("e", "t")))).containsExactly(5L);
    assertThat(s.lastId()).isEqualTo(5);
    assertThat(read(s, 0, 100, "**")).containsExactlyElementsOf(
        List.of(read(s, 0, 1, "t").get(0), r.events().get(0), r.events().get(1), r.events().get(2), read(s, 4, 1, "t").get(0)));
    assertThat(read(s, 0, 100, "**").get(3).topics()).containsExactly("t", "u");
  }

  @Test
  void thePrivateFlagIsKeptByAppendListenerReadAndRepeat() {
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
  void aBadBatchLeavesNothing() {
    HistoryStore s = open();
    append(s, ev("a", "t"));
    NewEvent negativeRetry = new NewEvent(List.of("t"), Optional.empty(), "x", Optional.of(Duration.ofMillis(-1)));
    for (List<NewEvent> bad : List.of(List.of(ev("b", "t"), negativeRetry), List.of(ev("b", "t"), ev("c", "u", "u")), List.<NewEvent>of())) {
      assertThat(s.append(bad, Optional.empty())).failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(s.lastId()).isEqualTo(1);
    assertThat(ids(read(s, 0, 100, "**"))).containsExactly(1L);
    assertThat(ids(append(s, ev("d", "t"), ev("e", "t")))).containsExactly(2L, 3L);
  }

  @Test
  void appendsFailAfterClose() {
    HistoryStore s = open();
    append(s, ev("a", "t"));
    assertThat(s.isReady()).isTrue();
    s.close();
    s.close();
    assertThat(s.isReady()).isFalse();
    assertThat(s.append(List.of(ev("b", "t")), Optional.empty())).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(HistoryStoreException.class);
  }

  @Test
  void listenerSeesEachBatchOnceInIdOrderBeforeTheFutureCompletes() {
    HistoryStore s = open();
    List<List<StoredEvent>> seen = new CopyOnWriteArrayList<>();
    s.onAppended(seen::add);
    for (int i = 0; i < 5; i++) {
      AppendResult r = append(s, ev("a" + i, "t"), ev("b" + i, "u"));
      assertThat(seen).last().isEqualTo(r.events());
    }
    appendKeyed(s, "k", ev("k", "t"));
    appendKeyed(s, "k", ev("k", "t"));
    assertThat(seen).hasSize(6);
    assertThat(seen.stream().flatMap(List::stream).map(StoredEvent::id))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().collect(Collectors.toList()));
  }

  @Test
  void listenerOrderHoldsUnderEightConcurrentPublishers() throws Exception {
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
    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().collect(Collectors.toList()));
    assertThat(s.lastId()).isEqualTo(total);
    assertThat(read(s, 0, 100_000, "**")).hasSize((int) total);
  }

  @Test
  void readAfterFiltersByExactAndWildcardSelectors() {
    HistoryStore s = open();
    append(s, ev("1", "chat/a"), ev("2", "chat/b"), ev("3", "news/x", "chat/a"));
    append(s, ev("4", "chat/a/deep"), ev("5", "news/y"), ev("6", "chat"));
    assertThat(ids(read(s, 0, 100, "chat/a"))).containsExactly(1L, 3L);
    assertThat(ids(read(s, 0, 100, "chat/*"))).containsExactly(1L, 2L, 3L);
    assertThat(ids(read(s, 0, 100, "chat/**"))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(ids(read(s, 0, 100, "**"))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    // a lone * is every topic (Mercure), no longer one-segment topics only
    assertThat(ids(read(s, 0, 100, "*"))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(ids(read(s, 0, 100, "*/x"))).containsExactly(3L);
    assertThat(ids(read(s, 0, 100, "*/*/deep"))).containsExactly(4L);
    assertThat(ids(read(s, 0, 100, "chat/a", "news/*"))).containsExactly(1L, 3L, 5L);
    assertThat(ids(read(s, 0, 100, "chat/a", "chat/*", "*/x"))).containsExactly(1L, 2L, 3L);
    assertThat(read(s, 0, 100, "news/*").get(0).topics()).containsExactly("chat/a", "news/x");
    assertThat(ids(read(s, 0, 100, "nothing", "nothing/**"))).isEmpty();
    assertThat(s.readAfter(0, List.of(), 100)).isEmpty();
  }

  @Test
  void readAfterFiltersByUriTemplates() {
    HistoryStore s = open();
    append(s, ev("1", "https://example.com/books/1"), ev("2", "https://example.com/books/1/reviews"));
    append(s, ev("3", "https://example.com/books/"), ev("4", "https://example.com/users/1"));
    append(s, ev("5", "https://example.com/books/caf%C3%A9"), ev("6", "https://example.com/books/café"));
    assertThat(ids(read(s, 0, 100, "https://example.com/books/{id}"))).containsExactly(1L, 3L, 5L);
    assertThat(ids(read(s, 0, 100, "https://example.com/books/{+rest}"))).containsExactly(1L, 2L, 3L, 5L);
    assertThat(ids(read(s, 0, 100, "{+any}"))).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(ids(read(s, 0, 100, "https://example.com/{kind}/1"))).containsExactly(1L, 4L);
    assertThat(ids(read(s, 0, 100, "https://example.com/books/{id}", "https://example.com/users/1"))).containsExactly(1L, 3L, 4L, 5L);
  }

  @Test
  void readAfterFindsATopicEqualToTheSelectorsLiteralPrefix() {
    HistoryStore s = open();
    append(s, ev("1", "chat/"), ev("2", "chat/a"), ev("3", "chat0"));
    assertThat(ids(read(s, 0, 100, "chat/*"))).containsExactly(1L, 2L);
    assertThat(ids(read(s, 0, 100, "chat/{x}"))).containsExactly(1L, 2L);
  }

  @Test
  void readAfterHonoursLimitAndAfterId() {
    HistoryStore s = open();
    for (int i = 0; i < 10; i++) {
      append(s, ev("" + i, i % 2 == 0 ? "even" : "odd"));
    }
    assertThat(ids(read(s, 0, 3, "**"))).containsExactly(1L, 2L, 3L);
    assertThat(ids(read(s, 0, 3, "even", "odd"))).containsExactly(1L, 2L, 3L);
    assertThat(ids(read(s, 4, 2, "even"))).containsExactly(5L, 7L);
    assertThat(ids(read(s, 4, 100, "*"))).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(ids(read(s, 9, 100, "even", "odd"))).containsExactly(10L);
    assertThat(read(s, 10, 100, "**")).isEmpty();
    assertThat(read(s, 1_000, 100, "**", "even")).isEmpty();
    assertThat(read(s, 0, 0, "**")).isEmpty();
  }

  static NewEvent custom(String id, String data, String... topics) {
    return ev(data, topics).withCustomId(id);
  }

  static Throwable failure(CompletableFuture<AppendResult> f) {
    return f.handle((r, e) -> e).orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  void aCustomIdIsTheWireIdAndAResumePoint() {
    HistoryStore s = open();
    List<List<StoredEvent>> seen = new CopyOnWriteArrayList<>();
    s.onAppended(seen::add);
    AppendResult r = append(s, ev("a", "t"), custom("urn:uuid:b", "b", "t"), ev("c", "u"));
    append(s, ev("d", "t"));
    assertThat(r.wireIds()).containsExactly("1", "urn:uuid:b", "3");
    assertThat(seen.get(0).get(1).wireId()).isEqualTo("urn:uuid:b");
    assertThat(read(s, 0, 100, "t")).extracting(StoredEvent::wireId).containsExactly("1", "urn:uuid:b", "4");
    assertThat(s.positionOf("urn:uuid:b")).hasValue(2);
    assertThat(ids(read(s, s.positionOf("urn:uuid:b").getAsLong(), 100, "**"))).containsExactly(3L, 4L);
    assertThat(s.positionOf("urn:uuid:nope")).isEmpty();
    assertThat(s.positionOf("2")).as("a decimal id is not a publisher id").isEmpty();
  }

  @Test
  void aTakenCustomIdRefusesTheWholeBatch() {
    HistoryStore s = open();
    append(s, custom("urn:x:1", "one", "t"));
    assertThat(failure(s.append(List.of(ev("a", "t"), custom("urn:x:1", "again", "t")), Optional.empty())))
        .isInstanceOf(DuplicateIdException.class);
    assertThat(failure(s.append(List.of(custom("urn:x:2", "a", "t"), custom("urn:x:2", "b", "t")), Optional.empty())))
        .as("twice in one batch").isInstanceOf(DuplicateIdException.class);
    assertThat(s.lastId()).isEqualTo(1);
    assertThat(read(s, 0, 100, "**")).extracting(StoredEvent::data).containsExactly("one");
    assertThat(s.positionOf("urn:x:2")).isEmpty();
    assertThat(ids(append(s, custom("urn:x:2", "two", "t")))).containsExactly(2L);
  }

  @Test
  void concurrentAppendsOfOneCustomIdStoreOnce() throws Exception {
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
  void aTrimmedCustomIdIsNoLongerAResumePoint() {
    HistoryStore s = open(2, DAY, WINDOW);
    append(s, custom("urn:old", "0", "t"));
    append(s, ev("1", "t"), ev("2", "t"));
    s.enforceRetention();
    assertThat(s.trimmedThrough()).isEqualTo(1);
    assertThat(s.positionOf("urn:old")).isEmpty();
  }

  @Test
  void retentionByCountKeepsTheNewest() {
    HistoryStore s = open(5, DAY, WINDOW);
    for (int i = 0; i < 12; i++) {
      append(s, ev("" + i, "t"));
    }
    s.enforceRetention();
    assertThat(ids(read(s, 0, 100, "t"))).containsExactly(8L, 9L, 10L, 11L, 12L);
    assertThat(s.trimmedThrough()).isEqualTo(7);
    assertThat(s.lastId()).isEqualTo(12);
  }

  @Test
  void retentionByAgeAndIdsAreNeverReused() {
    HistoryStore s = open(1_000, Duration.ofSeconds(10), WINDOW);
    append(s, ev("1", "t"), ev("2", "t"), ev("3", "t"));
    clock.advance(Duration.ofSeconds(6));
    append(s, ev("4", "t"), ev("5", "u"));
    clock.advance(Duration.ofSeconds(5));
    s.enforceRetention();
    assertThat(ids(read(s, 0, 100, "**"))).containsExactly(4L, 5L);
    assertThat(s.trimmedThrough()).isEqualTo(3);
    clock.advance(Duration.ofSeconds(20));
    s.enforceRetention();
    assertThat(read(s, 0, 100, "**")).isEmpty();
    assertThat(s.trimmedThrough()).isEqualTo(5);
    assertThat(s.lastId()).isEqualTo(5);
    assertThat(ids(append(s, ev("6", "t")))).containsExactly(6L);
  }

  @Test
  void aRepeatedIdempotencyKeyReturnsTheFirstEvents() {
    HistoryStore s = open();
    List<List<StoredEvent>> seen = new CopyOnWriteArrayList<>();
    s.onAppended(seen::add);
    AppendResult first = appendKeyed(s, "k1", ev("a", "t"), ev("b", "t"));
    AppendResult again = appendKeyed(s, "k1", ev("other", "t"));
    assertThat(first.duplicate()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(s.lastId()).isEqualTo(2);
    assertThat(seen).hasSize(1);
    assertThat(ids(appendKeyed(s, "k2", ev("c", "t")))).containsExactly(3L);
    clock.advance(WINDOW.plusSeconds(1));
    s.enforceRetention();
    AppendResult late = appendKeyed(s, "k1", ev("d", "t"));
    assertThat(late.duplicate()).isFalse();
    assertThat(ids(late)).containsExactly(4L);
    assertThat(appendKeyed(s, "k1", ev("e", "t")).events()).isEqualTo(late.events());
  }

  @Test
  void concurrentAppendsWithTheSameKeyStoreOnce() throws Exception {
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
    assertThat(done).allSatisfy(r -> assertThat(ids(r)).containsExactly(1L));
    assertThat(s.lastId()).isEqualTo(1);
  }

  @Test
  void throughputIsPrinted() throws Exception {
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
    assertThat(s.lastId()).isEqualTo((long) threads * perThread);
    System.out.printf("%s: %d single-event appends from %d threads (32 in flight each) in %.2f s = %.0f appends/s%n",
        getClass().getSimpleName(), threads * perThread, threads, seconds, threads * perThread / seconds);
  }
}
