package dev.herald.hub;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The SQLite schema of the history ({@code PRAGMA user_version} {@value #VERSION}), connection
 * setup and the row-to-event mapping shared by the writer and the readers. Stateless; each method
 * uses only the connection it is given, on the caller's thread.
 *
 * <pre>
 * events(id INTEGER PRIMARY KEY, time_ms, event, data, retry_ms, is_private 0|1, wire_id)
 *   + unique index events_by_wire_id(wire_id): a publisher-chosen id is taken once, found at once
 * event_topics(topic, event_id) PRIMARY KEY (topic, event_id) WITHOUT ROWID
 *   + index event_topics_by_event(event_id): loads an event's topics, trims by id
 * idempotency(key PRIMARY KEY, first_id, last_id, time_ms, request_hash)
 * meta(key PRIMARY KEY, value): 'high_water' (highest id ever assigned), 'trimmed_through',
 *   'reserved_through', 'store_id' (the herald.ids it last ran under; absent before 2026-12)
 * </pre>
 *
 * <p>Versions: 1 had no {@code events.is_private}; 2 adds it ({@code migrate} adds the column to
 * a version 1 file, its events staying public). The version is raised, not the column merely
 * added as for {@code request_hash}, so that an older Herald refuses the file ("schema version 2
 * is newer") instead of ignoring the column and delivering private events to everyone. 3 adds
 * {@code events.wire_id} (the publisher-chosen id, NULL for the hub's own decimal ids) and its
 * unique index; raised for the same reason: an older Herald would send such events with their
 * decimal id and let a publisher reuse a taken id.
 */
final class SqliteSchema {
  static final int VERSION = 3;
  static final String FILE_NAME = "herald.db";
  /** The column of version 2: 1 for a private event, 0 (also for events stored by version 1) for a public one. */
  private static final String PRIVATE_COLUMN = "is_private INTEGER NOT NULL DEFAULT 0 CHECK (is_private IN (0, 1))";
  /** The column of version 3: the publisher-chosen id, NULL (also for events stored before) for the hub's decimal id. */
  private static final String WIRE_ID_COLUMN = "wire_id TEXT";
  private static final String WIRE_ID_INDEX = "CREATE UNIQUE INDEX events_by_wire_id ON events(wire_id)"
      + " WHERE wire_id IS NOT NULL";
  /** The columns every event read selects, in the order {@code collectEvents} reads them. */
  static final String EVENT_COLUMNS = "id, time_ms, event, data, retry_ms, is_private, wire_id";
  static final String HIGH_WATER = "high_water";
  static final String TRIMMED_THROUGH = "trimmed_through";
  /** The id reservation this database last ran under (see {@link SqliteIdReservation}); 0 if none. */
  static final String RESERVED_THROUGH = "reserved_through";
  /** The random id of the history this database belongs to (see {@link SqliteIdReservation}). */
  static final String STORE_ID = "store_id";

  /** How a commit reaches the disk; see {@link SqliteHistoryStore} for what an ack then means. */
  enum Sync {
    /** WAL fsync'ed at every commit: an ack survives a process kill, an OS crash and power loss. */
    FULL,
    /** WAL fsync'ed only at checkpoints: an ack survives a process kill, not an OS crash. */
    NORMAL
  }

  private SqliteSchema() {}

  /**
   * Opens the writing connection: WAL, {@code sync}, schema created or checked; autocommit off.
   * Without {@code create} a missing file fails instead of being created.
   */
  static Connection openWriter(Path db, Sync sync, boolean create) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    if (!create) {
      config.resetOpenMode(SQLiteOpenMode.CREATE);
    }
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(sync == Sync.FULL ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setGetGeneratedKeys(false); // ids are ours; the driver would otherwise query them after every insert
    config.setBusyTimeout(10_000);
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
    try {
      String mode = journalMode(c);
      if (!mode.equalsIgnoreCase("wal")) {
        throw new SQLException("could not switch to WAL mode (journal_mode is " + mode + ")");
      }
      c.setAutoCommit(false);
      migrate(c);
      addRequestHash(c);
      c.commit();
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Opens a reading connection (query_only); call after {@link #openWriter}. */
  static Connection openReader(Path db) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA query_only = 1");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  static String journalMode(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      int version;
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        rs.next();
        version = rs.getInt(1);
      }
      if (version > VERSION) {
        throw new SQLException("schema version " + version + " is newer than this Herald's (" + VERSION + ")");
      }
      if (version == VERSION) {
        return;
      }
      if (version == 0) {
        s.execute("CREATE TABLE events(id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, event TEXT,"
            + " data TEXT NOT NULL, retry_ms INTEGER CHECK (retry_ms IS NULL OR retry_ms >= 0), " + PRIVATE_COLUMN + ", "
            + WIRE_ID_COLUMN + ")");
        s.execute(WIRE_ID_INDEX);
        s.execute("CREATE TABLE event_topics(topic TEXT NOT NULL, event_id INTEGER NOT NULL,"
            + " PRIMARY KEY(topic, event_id)) WITHOUT ROWID");
        s.execute("CREATE INDEX event_topics_by_event ON event_topics(event_id)");
        s.execute("CREATE TABLE idempotency(key TEXT PRIMARY KEY, first_id INTEGER NOT NULL,"
            + " last_id INTEGER NOT NULL, time_ms INTEGER NOT NULL)");
        s.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        s.execute("INSERT INTO meta(key, value) VALUES ('" + HIGH_WATER + "', 0), ('" + TRIMMED_THROUGH + "', 0)");
      } else {
        if (version == 1) {
          // version 1: every stored event was public, which the column's default says
          s.execute("ALTER TABLE events ADD COLUMN " + PRIVATE_COLUMN);
        }
        // versions 1 and 2: every stored event went by its decimal id, which NULL says
        s.execute("ALTER TABLE events ADD COLUMN " + WIRE_ID_COLUMN);
        s.execute(WIRE_ID_INDEX);
      }
      s.execute("PRAGMA user_version = " + VERSION);
    }
  }

  /**
   * Adds {@code idempotency.request_hash} (the digest of the request that used the key; NULL for
   * keys stored before it existed) when missing. A plain added column, so no version change:
   * an older Herald opening the file ignores it.
   */
  private static void addRequestHash(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA table_info(idempotency)")) {
        while (rs.next()) {
          if (rs.getString("name").equals("request_hash")) {
            return;
          }
        }
      }
      s.execute("ALTER TABLE idempotency ADD COLUMN request_hash TEXT");
    }
  }

  static long meta(Connection c, String key) throws SQLException {
    return meta(c, key, OptionalLong.empty());
  }

  /** The meta row {@code key}, or {@code orElse} if it is absent (empty: absent is an error). */
  static long meta(Connection c, String key, OptionalLong orElse) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      p.setString(1, key);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          if (orElse.isPresent()) {
            return orElse.getAsLong();
          }
          throw new SQLException("meta row '" + key + "' is missing");
        }
        return rs.getLong(1);
      }
    }
  }

  /** The highest id ever assigned: max(high-water mark, trimmed-through, max(id)). */
  static long lastId(Connection c) throws SQLException {
    long max;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM events")) {
      rs.next();
      max = rs.getLong(1);
    }
    return Math.max(max, Math.max(meta(c, HIGH_WATER), meta(c, TRIMMED_THROUGH)));
  }

  /** Events with {@code first <= id <= last}, oldest first, with all their topics. */
  static List<StoredEvent> eventsBetween(Connection c, long first, long last) throws SQLException {
    Map<Long, List<String>> topics = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement(
        "SELECT event_id, topic FROM event_topics WHERE event_id BETWEEN ? AND ?")) {
      p.setLong(1, first);
      p.setLong(2, last);
      collectTopics(p, topics);
    }
    try (PreparedStatement p = c.prepareStatement(
        "SELECT " + EVENT_COLUMNS + " FROM events WHERE id BETWEEN ? AND ? ORDER BY id")) {
      p.setLong(1, first);
      p.setLong(2, last);
      return collectEvents(p, topics);
    }
  }

  /** Events with the given ids (sorted ascending), oldest first; ids no longer stored are skipped. */
  static List<StoredEvent> eventsWithIds(Connection c, List<Long> ids) throws SQLException {
    List<StoredEvent> out = new ArrayList<>(ids.size());
    for (int from = 0; from < ids.size(); from += 500) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
      String marks = "?,".repeat(chunk.size() - 1) + "?";
      Map<Long, List<String>> topics = new HashMap<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT event_id, topic FROM event_topics WHERE event_id IN (" + marks + ")")) {
        bind(p, chunk);
        collectTopics(p, topics);
      }
      try (PreparedStatement p = c.prepareStatement(
          "SELECT " + EVENT_COLUMNS + " FROM events WHERE id IN (" + marks + ") ORDER BY id")) {
        bind(p, chunk);
        out.addAll(collectEvents(p, topics));
      }
    }
    return out;
  }

  private static void bind(PreparedStatement p, List<Long> ids) throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      p.setLong(i + 1, ids.get(i));
    }
  }

  private static void collectTopics(PreparedStatement p, Map<Long, List<String>> topics) throws SQLException {
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        topics.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>(2)).add(rs.getString(2));
      }
    }
  }

  private static List<StoredEvent> collectEvents(PreparedStatement p, Map<Long, List<String>> topics) throws SQLException {
    List<StoredEvent> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        long id = rs.getLong(1);
        long time = rs.getLong(2);
        Optional<String> event = Optional.ofNullable(rs.getString(3));
        String data = rs.getString(4);
        long retry = rs.getLong(5);
        Optional<Duration> retryD = rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(retry));
        boolean isPrivate = rs.getInt(6) != 0;
        Optional<String> wireId = Optional.ofNullable(rs.getString(7));
        List<String> t = topics.getOrDefault(id, List.of());
        if (t.size() > 1) {
          t.sort(null);
        }
        out.add(new StoredEvent(id, time, t, event, data, retryD, isPrivate, wireId));
      }
    }
    return out;
  }
}
