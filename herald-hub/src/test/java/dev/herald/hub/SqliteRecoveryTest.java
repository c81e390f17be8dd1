package dev.herald.hub;

import static dev.herald.hub.HistoryStoreContract.append;
import static dev.herald.hub.HistoryStoreContract.ev;
import static dev.herald.hub.HistoryStoreContract.ids;
import static dev.herald.hub.HistoryStoreContract.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The SQLite store under faults: a full database, a schema changed under it, its file deleted or replaced. */
class SqliteRecoveryTest extends SqliteStoreSupport {
  SqliteRecoveryTest() {
    super(SqliteSchema.Sync.FULL);
  }

  private SqliteHistoryStore open() {
    return open(dir.resolve("data"));
  }

  private static Throwable appendFailure(HistoryStore s, NewEvent... events) {
    return catchFailure(() -> append(s, events));
  }

  private static Throwable catchFailure(Runnable r) {
    try {
      r.run();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the append to fail");
  }

  private static void sql(Path db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  @Test
  void aFullDatabaseFailsAppendsUntilThereIsRoomAgainThenRecoversByItself() {
    SqliteHistoryStore s = open();
    append(s, ev("before", "t"));
    s.maxPages(1); // no page beyond the current ones, as on a full disk
    String big = "x".repeat(50_000);
    assertThat(appendFailure(s, ev("small", "t"), ev(big, "t"))).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("SQLITE_FULL");
    assertThat(s.checkReady()).get().asString().contains("cannot write").contains("full");
    assertThat(s.isReady()).isFalse();
    // still full: still failing, still not ready (the trial write needs room too)
    assertThat(appendFailure(s, ev("small too", "t"), ev(big, "t"))).isInstanceOf(StoreUnavailableException.class);
    assertThat(s.checkReady()).isPresent();

    s.maxPages(0); // space freed
    assertThat(s.checkReady()).isEmpty();
    assertThat(ids(append(s, ev(big, "t")))).containsExactly(2L);
    assertThat(ids(append(s, ev("after", "t")))).containsExactly(3L);
    // nothing of the failed appends was stored, also after a restart
    List<String> expected = List.of("before", big, "after");
    assertThat(read(s, 0, 100, "**")).extracting(StoredEvent::data).containsExactlyElementsOf(expected);
    s.close();
    assertThat(read(open(), 0, 100, "**")).extracting(StoredEvent::data).containsExactlyElementsOf(expected);
  }

  @Test
  void aFullDatabaseRecoversAtTheNextAppendWithoutAReadinessCheck() {
    SqliteHistoryStore s = open();
    s.maxPages(1);
    assertThat(appendFailure(s, ev("x".repeat(50_000), "t"))).isInstanceOf(StoreUnavailableException.class);
    s.maxPages(0);
    assertThat(ids(append(s, ev("x".repeat(50_000), "t")))).containsExactly(1L);
    assertThat(s.checkReady()).isEmpty();
  }

  @Test
  void anIdleStoreRecoversInTheBackgroundWithoutAnAppendOrACheck() {
    SqliteHistoryStore s = open();
    s.maxPages(1);
    assertThat(appendFailure(s, ev("x".repeat(50_000), "t"))).isInstanceOf(StoreUnavailableException.class);
    assertThat(s.lastProblem()).contains("full");
    s.maxPages(0);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> s.lastProblem().isEmpty());
    assertThat(ids(append(s, ev("y", "t")))).containsExactly(1L);
  }

  @Test
  void aSchemaChangedAndChangedBackUnderTheStoreIsReportedThenRecovered() throws Exception {
    SqliteHistoryStore s = open();
    append(s, ev("a", "t"));
    sql(s.file(), "ALTER TABLE event_topics RENAME TO event_topics_moved");
    assertThat(s.checkReady()).get().asString().contains("event_topics");
    assertThat(appendFailure(s, ev("lost", "t"))).isInstanceOf(StoreUnavailableException.class);
    sql(s.file(), "ALTER TABLE event_topics_moved RENAME TO event_topics");
    assertThat(s.checkReady()).isEmpty();
    assertThat(ids(append(s, ev("b", "t")))).containsExactly(2L);
    assertThat(read(s, 0, 100, "t")).extracting(StoredEvent::data).containsExactly("a", "b");
  }

  @Test
  void aFailedAppendAfterASchemaChangeDoesNotLeaveTheWriterStuck() throws Exception {
    SqliteHistoryStore s = open();
    append(s, ev("a", "t"));
    sql(s.file(), "ALTER TABLE events RENAME TO events_moved");
    assertThat(appendFailure(s, ev("lost", "t"))).isInstanceOf(StoreUnavailableException.class);
    sql(s.file(), "ALTER TABLE events_moved RENAME TO events");
    // no readiness check in between: the next append itself recovers
    assertThat(ids(append(s, ev("b", "t")))).containsExactly(2L);
  }

  @Test
  void aDeletedDatabaseIsRefusedAndItsIdsAreNeverReusedAfterARestart() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    append(s, ev("a", "t"), ev("b", "t"), ev("c", "t"));
    Files.delete(data.resolve("herald.db")); // as an operator would: its -wal and -shm stay
    assertThat(appendFailure(s, ev("d", "t"))).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("deleted or replaced");
    assertThat(s.checkReady()).get().asString().contains("deleted or replaced");
    assertThat(appendFailure(s, ev("e", "t"))).hasMessageContaining("deleted or replaced");
    s.close();

    SqliteHistoryStore again = open(data);
    assertThat(again.lastId()).isGreaterThanOrEqualTo(3);
    assertThat(again.trimmedThrough()).isEqualTo(again.lastId()); // earlier history is gone, and says so
    long next = ids(append(again, ev("new", "t"))).get(0);
    assertThat(next).isGreaterThan(3);
    assertThat(read(again, 0, 100, "**")).extracting(StoredEvent::id).containsExactly(next);
    again.close();
    // a plain restart continues right after the last id: no skip
    SqliteHistoryStore third = open(data);
    assertThat(ids(append(third, ev("more", "t")))).containsExactly(next + 1);
  }

  @Test
  void aDatabaseReplacedByAnotherOneIsNoticedBeforeTheAckAndIdsContinueAfterARestart() throws Exception {
    Path data = dir.resolve("data");
    Path other = dir.resolve("other");
    SqliteHistoryStore stranger = open(other);
    append(stranger, ev("x", "t"));
    stranger.close();

    SqliteHistoryStore s = open(data);
    append(s, ev("a", "t"), ev("b", "t"));
    Files.move(other.resolve("herald.db"), data.resolve("herald.db"), StandardCopyOption.REPLACE_EXISTING);
    assertThat(appendFailure(s, ev("c", "t"))).hasMessageContaining("deleted or replaced");
    assertThat(s.isReady()).isFalse();
    s.close();

    SqliteHistoryStore again = open(data);
    long next = ids(append(again, ev("new", "t"))).get(0);
    assertThat(next).isGreaterThan(2);
    assertThat(again.trimmedThrough()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aDatabaseRestoredFromAnOlderCopyContinuesAfterTheHighestIdHandedOut() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    append(s, ev("a", "t"));
    s.close(); // checkpointed: herald.db alone holds id 1
    Path copy = dir.resolve("copy.db");
    Files.copy(data.resolve("herald.db"), copy);
    s = open(data);
    append(s, ev("b", "t"), ev("c", "t"));
    s.close();
    Files.copy(copy, data.resolve("herald.db"), StandardCopyOption.REPLACE_EXISTING);

    SqliteHistoryStore restored = open(data);
    assertThat(read(restored, 0, 100, "**")).extracting(StoredEvent::data).containsExactly("a");
    assertThat(ids(append(restored, ev("d", "t"))).get(0)).isGreaterThan(3);
  }

  @Test
  void theLogOfADatabaseDeletedWhileTheHubWasDownIsNotAppliedToTheNewOne() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    append(s, ev("a", "t"), ev("b", "t"));
    Path wal = data.resolve("herald.db-wal");
    Path kept = dir.resolve("kept-wal");
    Files.copy(wal, kept); // as a kill -9 leaves it
    s.close();
    Files.delete(data.resolve("herald.db"));
    Files.copy(kept, wal, StandardCopyOption.REPLACE_EXISTING);

    SqliteHistoryStore again = open(data);
    assertThat(read(again, 0, 100, "**")).isEmpty();
    assertThat(ids(append(again, ev("new", "t"))).get(0)).isGreaterThan(2);
    try (var files = Files.list(data)) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("herald.db-wal.orphaned-"));
    }
  }

  @Test
  void aDatabaseFromBeforeTheHighWaterFileContinuesRightAfterItsLastId() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    append(s, ev("a", "t"), ev("b", "t"));
    s.close();
    // as an earlier Herald left it: no herald.ids, no reservation rows
    Files.delete(data.resolve(SqliteIdReservation.FILE_NAME));
    sql(data.resolve("herald.db"), "DELETE FROM meta WHERE key IN ('reserved_through', 'store_id')");
    SqliteHistoryStore again = open(data);
    assertThat(again.trimmedThrough()).isZero();
    assertThat(ids(append(again, ev("c", "t")))).containsExactly(3L);
    assertThat(Files.readString(data.resolve(SqliteIdReservation.FILE_NAME)))
        .contains("reserved_through=" + (2 + SqliteIdReservation.BLOCK));
  }

  @Test
  void aDamagedHighWaterFileStopsOpeningNamingIt() throws Exception {
    Path data = dir.resolve("data");
    open(data).close();
    Files.writeString(data.resolve(SqliteIdReservation.FILE_NAME), "garbage");
    assertThatThrownBy(() -> open(data)).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining(SqliteIdReservation.FILE_NAME).hasMessageContaining("damaged");
  }

  @Test
  void theHighWaterFileIsWrittenOncePerBlockNotPerAppend() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    Path ids = data.resolve(SqliteIdReservation.FILE_NAME);
    String first = Files.readString(ids);
    assertThat(first).contains("reserved_through=" + SqliteIdReservation.BLOCK);
    for (int i = 0; i < 50; i++) {
      append(s, ev("e" + i, "t"));
    }
    assertThat(Files.readString(ids)).isEqualTo(first);
    List<NewEvent> many = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      many.add(ev("m" + i, "t"));
    }
    for (long n = 50; n <= SqliteIdReservation.BLOCK; n += many.size()) {
      s.append(many, Optional.empty()).orTimeout(30, TimeUnit.SECONDS).join();
    }
    assertThat(s.lastId()).isGreaterThan(SqliteIdReservation.BLOCK);
    assertThat(Files.readString(ids)).contains("reserved_through=" + (s.lastId() + SqliteIdReservation.BLOCK));
  }
}
