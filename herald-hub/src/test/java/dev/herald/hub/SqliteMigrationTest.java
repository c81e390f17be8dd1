package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by schema version 1 (before private updates) opens with this Herald: it is
 * migrated to version 2 in place, its events are public, and new events may be private. A file of
 * a newer version is refused, which is what keeps an older Herald from reading a version 2 file
 * and delivering its private events to everyone.
 */
class SqliteMigrationTest {
  /** Schema version 1 exactly as the Herald before private updates created it. */
  private static final List<String> VERSION_1 = List.of(
      "CREATE TABLE events(id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, event TEXT,"
          + " data TEXT NOT NULL, retry_ms INTEGER CHECK (retry_ms IS NULL OR retry_ms >= 0))",
      "CREATE TABLE event_topics(topic TEXT NOT NULL, event_id INTEGER NOT NULL,"
          + " PRIMARY KEY(topic, event_id)) WITHOUT ROWID",
      "CREATE INDEX event_topics_by_event ON event_topics(event_id)",
      "CREATE TABLE idempotency(key TEXT PRIMARY KEY, first_id INTEGER NOT NULL,"
          + " last_id INTEGER NOT NULL, time_ms INTEGER NOT NULL, request_hash TEXT)",
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
      "INSERT INTO meta(key, value) VALUES ('high_water', 2), ('trimmed_through', 0)",
      "INSERT INTO events(id, time_ms, event, data, retry_ms) VALUES (1, 1700000000000, NULL, 'one', NULL),"
          + " (2, 1700000000001, 'named', 'two', 500)",
      "INSERT INTO event_topics(topic, event_id) VALUES ('a', 1), ('a', 2), ('b/c', 2)",
      "PRAGMA user_version = 1");

  @TempDir
  Path dir;
  private final TestClock clock = new TestClock(1_700_000_010_000L);
  private HistoryStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private Path writeDatabase(List<String> statements) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path db = data.resolve(SqliteSchema.FILE_NAME);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
    return data;
  }

  private HistoryStore open(Path data) {
    return SqliteHistoryStore.open(data, new HistoryStore.Limits(1_000_000, Duration.ofDays(3650), Duration.ofMinutes(5)),
        clock, SqliteSchema.Sync.FULL);
  }

  @Test
  void aVersion1DatabaseOpensItsEventsPublicAndTakesPrivateOnes() throws Exception {
    Path data = writeDatabase(VERSION_1);
    store = open(data);

    List<StoredEvent> old = store.readAfter(0, List.of(TopicSelector.parse("**")), 100);
    assertThat(old).extracting(StoredEvent::data).containsExactly("one", "two");
    assertThat(old).extracting(StoredEvent::isPrivate).containsExactly(false, false);
    assertThat(old.get(1).topics()).containsExactly("a", "b/c");
    assertThat(old.get(1).event()).contains("named");
    assertThat(old.get(1).retry()).contains(Duration.ofMillis(500));
    assertThat(store.lastId()).isEqualTo(2);

    NewEvent secret = new NewEvent(List.of("a"), Optional.empty(), "three", Optional.empty(), true);
    AppendResult r = store.append(List.of(secret), Optional.empty()).orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(r.events().get(0).id()).isEqualTo(3);
    assertThat(store.readAfter(2, List.of(TopicSelector.parse("a")), 100))
        .extracting(StoredEvent::isPrivate).containsExactly(true);

    store.close();
    store = null;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteSchema.FILE_NAME));
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(3).isEqualTo(SqliteSchema.VERSION);
      }
      try (ResultSet rs = s.executeQuery("SELECT id, is_private FROM events ORDER BY id")) {
        StringBuilder rows = new StringBuilder();
        while (rs.next()) {
          rows.append(rs.getLong(1)).append('=').append(rs.getInt(2)).append(' ');
        }
        assertThat(rows.toString().trim()).isEqualTo("1=0 2=0 3=1");
      }
    }
    store = open(data); // opening the migrated file again changes nothing
    assertThat(store.readAfter(0, List.of(TopicSelector.parse("a")), 100))
        .extracting(StoredEvent::isPrivate).containsExactly(false, false, true);
  }

  /** Schema version 2 exactly as the Herald with private updates (before custom ids) created it. */
  private static final List<String> VERSION_2 = List.of(
      "CREATE TABLE events(id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, event TEXT,"
          + " data TEXT NOT NULL, retry_ms INTEGER CHECK (retry_ms IS NULL OR retry_ms >= 0),"
          + " is_private INTEGER NOT NULL DEFAULT 0 CHECK (is_private IN (0, 1)))",
      "CREATE TABLE event_topics(topic TEXT NOT NULL, event_id INTEGER NOT NULL,"
          + " PRIMARY KEY(topic, event_id)) WITHOUT ROWID",
      "CREATE INDEX event_topics_by_event ON event_topics(event_id)",
      "CREATE TABLE idempotency(key TEXT PRIMARY KEY, first_id INTEGER NOT NULL,"
          + " last_id INTEGER NOT NULL, time_ms INTEGER NOT NULL, request_hash TEXT)",
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
      "INSERT INTO meta(key, value) VALUES ('high_water', 2), ('trimmed_through', 0)",
      "INSERT INTO events(id, time_ms, event, data, retry_ms, is_private) VALUES (1, 1700000000000, NULL, 'one', NULL, 0),"
          + " (2, 1700000000001, NULL, 'two', NULL, 1)",
      "INSERT INTO event_topics(topic, event_id) VALUES ('a', 1), ('a', 2)",
      "PRAGMA user_version = 2");

  @Test
  void aVersion2DatabaseKeepsItsDecimalIdsAndTakesCustomOnesUniquely() throws Exception {
    Path data = writeDatabase(VERSION_2);
    store = open(data);
    List<StoredEvent> old = store.readAfter(0, List.of(TopicSelector.parse("a")), 100);
    assertThat(old).extracting(StoredEvent::wireId).containsExactly("1", "2");
    assertThat(old).extracting(StoredEvent::isPrivate).containsExactly(false, true);

    NewEvent custom = new NewEvent(List.of("a"), Optional.empty(), "three", Optional.empty(), false)
        .withCustomId("urn:uuid:3");
    store.append(List.of(custom), Optional.empty()).orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(store.positionOf("urn:uuid:3")).hasValue(3);
    assertThat(store.append(List.of(custom), Optional.empty()).handle((r, e) -> e).orTimeout(30, TimeUnit.SECONDS).join())
        .isInstanceOf(DuplicateIdException.class);
    store.close();
    store = null;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteSchema.FILE_NAME));
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
      assertThatThrownBy(() -> s.execute("UPDATE events SET wire_id = 'urn:uuid:3' WHERE id = 1"))
          .as("the unique index keeps a publisher id to one event").hasMessageContaining("UNIQUE");
    }
    store = open(data);
    assertThat(store.readAfter(0, List.of(TopicSelector.parse("a")), 100)).extracting(StoredEvent::wireId)
        .containsExactly("1", "2", "urn:uuid:3");
  }

  @Test
  void aNewerSchemaIsRefused() throws Exception {
    Path data = writeDatabase(List.of("CREATE TABLE x(y)", "PRAGMA user_version = " + (SqliteSchema.VERSION + 1)));
    assertThatThrownBy(() -> open(data)).hasMessageContaining("schema version " + (SqliteSchema.VERSION + 1) + " is newer");
  }
}
