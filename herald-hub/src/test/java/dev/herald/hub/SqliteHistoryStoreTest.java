package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SqliteHistoryStoreTest extends HistoryStoreContract {
  @Override
  protected HistoryStore create(HistoryStore.Limits limits, Clock clock) {
    return SqliteHistoryStore.open(dir.resolve("data"), limits, clock, SqliteSchema.Sync.FULL);
  }

  @Test
  void reopeningKeepsHistoryLastIdAndTrimmedThrough() {
    HistoryStore s = open(4, DAY, WINDOW);
    for (int i = 0; i < 6; i++) {
      append(s, ev("" + i, "t", "u/" + i));
    }
    s.enforceRetention();
    List<StoredEvent> before = read(s, 0, 100, "**");
    s.close();
    HistoryStore again = open(4, DAY, WINDOW);
    assertThat(read(again, 0, 100, "**")).isEqualTo(before);
    assertThat(ids(before)).containsExactly(3L, 4L, 5L, 6L);
    assertThat(again.lastId()).isEqualTo(6);
    assertThat(again.trimmedThrough()).isEqualTo(2);
    assertThat(ids(append(again, ev("7", "t")))).containsExactly(7L);
  }

  @Test
  void reopeningKeepsCustomIdsAndRefusesTheirReuse() {
    HistoryStore s = open();
    append(s, ev("a", "t"), ev("b", "t").withCustomId("urn:uuid:kept"));
    s.close();
    HistoryStore again = open();
    assertThat(read(again, 0, 100, "t")).extracting(StoredEvent::wireId).containsExactly("1", "urn:uuid:kept");
    assertThat(again.positionOf("urn:uuid:kept")).hasValue(2);
    assertThat(failure(again.append(List.of(ev("c", "t").withCustomId("urn:uuid:kept")), Optional.empty())))
        .isInstanceOf(DuplicateIdException.class);
    assertThat(again.lastId()).isEqualTo(2);
  }

  @Test
  void reopeningKeepsWhichEventsArePrivate() {
    HistoryStore s = open();
    append(s, ev("public", "t"), new NewEvent(List.of("t"), Optional.empty(), "secret", Optional.empty(), true));
    s.close();
    HistoryStore again = open();
    assertThat(read(again, 0, 100, "t")).extracting(StoredEvent::isPrivate).containsExactly(false, true);
  }

  @Test
  void idsAreNotReusedAfterEverythingWasTrimmedAndARestart() {
    HistoryStore s = open(1_000, Duration.ofSeconds(10), WINDOW);
    append(s, ev("1", "t"), ev("2", "t"));
    clock.advance(Duration.ofMinutes(1));
    s.enforceRetention();
    assertThat(read(s, 0, 100, "**")).isEmpty();
    s.close();
    HistoryStore again = open(1_000, Duration.ofSeconds(10), WINDOW);
    assertThat(again.lastId()).isEqualTo(2);
    assertThat(again.trimmedThrough()).isEqualTo(2);
    assertThat(ids(append(again, ev("3", "t")))).containsExactly(3L);
  }

  @Test
  void idempotencyKeysSurviveARestart() {
    HistoryStore s = open();
    AppendResult first = appendKeyed(s, "k", ev("a", "t"));
    s.close();
    HistoryStore again = open();
    AppendResult repeat = appendKeyed(again, "k", ev("a", "t"));
    assertThat(repeat.duplicate()).isTrue();
    assertThat(repeat.events()).isEqualTo(first.events());
  }

  @Test
  void theDatabaseIsInWalModeWithAVersionedSchema() throws Exception {
    SqliteHistoryStore s = (SqliteHistoryStore) open();
    append(s, ev("a", "t"));
    assertThat(s.file()).isEqualTo(dir.resolve("data").resolve("herald.db").toAbsolutePath());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + s.file());
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("wal");
      }
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(SqliteSchema.VERSION);
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM event_topics WHERE topic = 't'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void aCorruptDatabaseFailsOpenNamingThePath() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("herald.db"), "this is not a database, just text. ".repeat(200).getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining(data.resolve("herald.db").toAbsolutePath().toString())
        .hasMessageContaining("not a database");
  }

  @Test
  void anUnusableDirectoryFailsOpenNamingThePath() throws Exception {
    Files.write(dir.resolve("data"), new byte[] {1});
    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining(dir.resolve("data").toAbsolutePath().toString());
  }

  @Test
  void aSecondStoreOnTheSameDirectoryFailsWhileTheFirstIsOpenAndOpensAfterItClosed() {
    HistoryStore first = open();
    append(first, ev("a", "t"));
    Path data = dir.resolve("data").toAbsolutePath();
    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("the data directory " + data + " is in use by another hub")
        .hasMessageContaining(data.resolve("herald.lock").toString());
    // the refused store touched nothing: the first still writes, with the next id
    assertThat(append(first, ev("b", "t")).firstId()).isEqualTo(2);
    first.close();
    HistoryStore second = open();
    assertThat(read(second, 0, 10, "t")).extracting(StoredEvent::data).containsExactly("a", "b");
    assertThat(append(second, ev("c", "t")).firstId()).isEqualTo(3);
  }

  /** Blocks the writer thread inside the listener until released. */
  static CountDownLatch blockWriter(HistoryStore s) {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    s.onAppended(batch -> {
      if (first.getAndSet(false)) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    s.append(List.of(ev("blocker", "t")), Optional.empty());
    try {
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return release;
  }

  @Test
  void aRejectedBatchInAGroupLeavesTheOthersIntact() {
    HistoryStore s = open();
    CountDownLatch release = blockWriter(s);
    NewEvent bad = new NewEvent(List.of("t"), Optional.empty(), "x", Optional.of(Duration.ofMillis(-5)));
    CompletableFuture<AppendResult> a = s.append(List.of(ev("a", "t"), ev("b", "t")), Optional.empty());
    CompletableFuture<AppendResult> b = s.append(List.of(ev("c", "t"), bad), Optional.empty());
    CompletableFuture<AppendResult> c = s.append(List.of(ev("d", "t")), Optional.of("key"));
    CompletableFuture<AppendResult> d = s.append(List.of(ev("e", "t")), Optional.of("key"));
    release.countDown();
    assertThat(ids(a.join())).containsExactly(2L, 3L);
    assertThat(b).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class);
    assertThat(ids(c.join())).containsExactly(4L);
    assertThat(d.join().duplicate()).isTrue();
    assertThat(ids(d.join())).containsExactly(4L);
    assertThat(ids(read(s, 0, 100, "t"))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(ids(append(s, ev("f", "t")))).containsExactly(5L);
  }

  @Test
  void aFullQueueFailsAppendsAtOnce() {
    HistoryStore s = open();
    CountDownLatch release = blockWriter(s);
    List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
    for (int i = 0; i < SqliteWriter.MAX_PENDING; i++) {
      queued.add(s.append(List.of(ev("" + i, "t")), Optional.empty()));
    }
    CompletableFuture<AppendResult> refused = s.append(List.of(ev("x", "t")), Optional.empty());
    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join).hasCauseInstanceOf(StoreOverloadedException.class)
        .hasMessageContaining("overloaded");
    release.countDown();
    CompletableFuture.allOf(queued.toArray(new CompletableFuture<?>[0])).join();
    assertThat(s.lastId()).isEqualTo(SqliteWriter.MAX_PENDING + 1);
  }

  @Test
  void closeWritesPendingAppends() throws Exception {
    HistoryStore s = open();
    CountDownLatch release = blockWriter(s);
    List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      queued.add(s.append(List.of(ev("" + i, "t")), Optional.empty()));
    }
    Thread closer = new Thread(s::close, "closer");
    closer.start();
    // close() has marked the store closing and waits for the writer: it is in Thread.join
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> closer.getState() == Thread.State.WAITING
        && Arrays.stream(closer.getStackTrace()).anyMatch(f -> f.getMethodName().equals("join")));
    release.countDown();
    closer.join(30_000);
    assertThat(closer.isAlive()).as("close returned").isFalse();
    assertThat(queued).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    HistoryStore again = open();
    assertThat(again.lastId()).isEqualTo(101);
    assertThat(read(again, 0, 1_000, "t")).hasSize(101);
  }

  @Test
  void wildcardsOverManyTopicsFallBackToAScan() {
    HistoryStore s = open();
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < SqliteReader.MAX_TOPICS_PER_SELECTOR + 10; i++) {
      batch.add(ev("" + i, "room/" + i, i % 100 == 0 ? "hundreds/" + i : "other/" + i));
    }
    append(s, batch.toArray(new NewEvent[0]));
    assertThat(ids(read(s, 0, 5, "room/*"))).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(ids(read(s, 0, 3, "hundreds/*"))).containsExactly(1L, 101L, 201L);
    assertThat(ids(read(s, 500, 3, "*/*"))).containsExactly(501L, 502L, 503L);
  }

  @Test
  void ageRetentionRemovesMoreThanOneChunk() {
    HistoryStore s = open(1_000_000, Duration.ofSeconds(10), WINDOW);
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < SqliteRetention.CHUNK * 2 + 500; i++) {
      batch.add(ev("" + i, "t"));
    }
    append(s, batch.toArray(new NewEvent[0]));
    clock.advance(Duration.ofMinutes(1));
    append(s, ev("young", "t"));
    s.enforceRetention();
    assertThat(s.trimmedThrough()).isEqualTo(batch.size());
    assertThat(ids(read(s, 0, 10, "**"))).containsExactly(batch.size() + 1L);
  }

  @Test
  void acknowledgedEventsSurviveKillMinus9() throws Exception {
    Path data = dir.resolve("data");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dlogback.configurationFile=none", CrashingPublisher.class.getName(), data.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long lastAcked = 0;
    try (java.io.BufferedReader out = new java.io.BufferedReader(
        new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("acked ")) {
          lastAcked = Long.parseLong(line.substring(6));
          if (lastAcked >= 300) {
            break;
          }
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(lastAcked).isGreaterThanOrEqualTo(300);
    HistoryStore again = open();
    assertThat(again.lastId()).isGreaterThanOrEqualTo(lastAcked);
    List<StoredEvent> all = read(again, 0, 1_000_000, "crash/**");
    assertThat(all).hasSize((int) again.lastId());
    assertThat(all.get((int) lastAcked - 1).data()).isEqualTo("event " + (lastAcked - 1));
  }
}
