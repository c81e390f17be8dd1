package dev.herald.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history writer's connection with its prepared statements, and the checks the writer uses
 * to know it can still write: {@link #probe} (the statements prepare against the current schema
 * and the write lock can be taken), {@link #spaceProbe} (a 64 KiB write commits) and
 * {@link #fileKey} (which file the path names now, to notice a deleted or replaced database).
 *
 * <p>Threading: not thread-safe; owned by the writer thread.
 */
final class SqliteWriteSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteWriteSession.class);
  static final int SPACE_PROBE_BYTES = 64 * 1024;
  private static final String PROBE_KEY = "space_probe";

  final Connection conn;
  PreparedStatement insertEvent;
  PreparedStatement insertTopic;
  PreparedStatement selectKey;
  PreparedStatement upsertKey;
  PreparedStatement updateMeta;
  PreparedStatement savepoint;
  PreparedStatement selectWireId;

  private SqliteWriteSession(Connection conn) {
    this.conn = conn;
  }

  /**
   * Opens a session on {@code db} ({@code create}: make the file if absent, else fail) and
   * prepares its statements; {@code maxPages > 0} caps the database size (a test seam for a
   * full disk: {@code PRAGMA max_page_count}).
   */
  static SqliteWriteSession open(Path db, SqliteSchema.Sync sync, boolean create, long maxPages) throws SQLException {
    Connection c = SqliteSchema.openWriter(db, sync, create);
    SqliteWriteSession s = new SqliteWriteSession(c);
    try {
      s.limitPages(maxPages);
      s.prepare();
      return s;
    } catch (SQLException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** (Re)prepares every statement against the current schema, closing the old ones. */
  void prepare() throws SQLException {
    closeStatements();
    insertEvent = conn.prepareStatement("INSERT INTO events(id, time_ms, event, data, retry_ms, is_private, wire_id)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    selectWireId = conn.prepareStatement("SELECT 1 FROM events WHERE wire_id = ?");
    insertTopic = conn.prepareStatement("INSERT INTO event_topics(topic, event_id) VALUES (?, ?)");
    selectKey = conn.prepareStatement("SELECT first_id, last_id, time_ms, request_hash FROM idempotency WHERE key = ?");
    upsertKey = conn.prepareStatement(
        "INSERT OR REPLACE INTO idempotency(key, first_id, last_id, time_ms, request_hash) VALUES (?, ?, ?, ?, ?)");
    updateMeta = conn.prepareStatement("UPDATE meta SET value = ? WHERE key = ?");
    savepoint = conn.prepareStatement("SAVEPOINT herald_write");
  }

  /**
   * Makes sure the statements that follow run in one transaction until the next commit or
   * rollback. The driver opens one after each commit and rollback, but a failure SQLite answers
   * by rolling the transaction back itself (a full disk) leaves the connection in autocommit
   * mode, where each statement of a later append would commit on its own — half an append
   * stored. {@code SAVEPOINT} starts a transaction there and nests harmlessly in an open one.
   */
  void begin() throws SQLException {
    savepoint.execute();
  }

  /** Inserts {@code s} with its topics, inside the current transaction. */
  void insert(StoredEvent s) throws SQLException {
    insertEvent.setLong(1, s.id());
    insertEvent.setLong(2, s.timeMillis());
    insertEvent.setString(3, s.event().orElse(null));
    insertEvent.setString(4, s.data());
    if (s.retry().isPresent()) {
      insertEvent.setLong(5, Stores.millis(s.retry().get()));
    } else {
      insertEvent.setNull(5, Types.INTEGER);
    }
    insertEvent.setInt(6, s.isPrivate() ? 1 : 0);
    insertEvent.setString(7, s.customId().orElse(null));
    insertEvent.executeUpdate();
    for (String topic : s.topics()) {
      insertTopic.setString(1, topic);
      insertTopic.setLong(2, s.id());
      insertTopic.executeUpdate();
    }
  }

  /**
   * Throws {@link DuplicateIdException} if {@code batch} gives a publisher-chosen id twice, or one
   * an event stored (or written in the current transaction) already has.
   */
  void refuseTakenIds(List<NewEvent> batch) throws SQLException {
    Set<String> seen = new HashSet<>();
    for (NewEvent e : batch) {
      if (e.customId().isPresent()) {
        String id = e.customId().get();
        selectWireId.setString(1, id);
        try (ResultSet rs = selectWireId.executeQuery()) {
          if (!seen.add(id) || rs.next()) {
            throw new DuplicateIdException(id);
          }
        }
      }
    }
  }

  /**
   * Records that idempotency key {@code key} stored ids {@code first..last} at {@code timeMillis}
   * for the request whose digest is {@code requestHash}.
   */
  void putKey(String key, long first, long last, long timeMillis, String requestHash) throws SQLException {
    upsertKey.setString(1, key);
    upsertKey.setLong(2, first);
    upsertKey.setLong(3, last);
    upsertKey.setLong(4, timeMillis);
    upsertKey.setString(5, requestHash);
    upsertKey.executeUpdate();
  }

  /** Updates the existing meta row {@code key}, inside the current transaction. */
  void meta(String key, long value) throws SQLException {
    updateMeta.setLong(1, value);
    updateMeta.setString(2, key);
    updateMeta.executeUpdate();
  }

  /** Sets meta row {@code key}, creating it if absent (rows added after schema version 1). */
  void putMeta(String key, long value) throws SQLException {
    try (PreparedStatement p = conn.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")) {
      p.setString(1, key);
      p.setLong(2, value);
      p.executeUpdate();
    }
  }

  /**
   * What a publish needs, without writing: fresh statements, the write lock (like
   * {@code BEGIN IMMEDIATE; ROLLBACK}) and a view of the data no newer than {@code lastId} (the
   * last committed id: a higher one means a failed transaction was not rolled back).
   */
  void probe(long lastId) throws SQLException {
    conn.rollback();
    try {
      SqliteSql.update(conn, "SAVEPOINT herald_write"); // not begin(): its statement may be the stale one
      // takes the write lock and loads the current schema, against which the statements then prepare
      SqliteSql.update(conn, "UPDATE meta SET value = value WHERE key = '" + SqliteSchema.HIGH_WATER + "'");
      prepare();
      long max = SqliteSql.singleLong(conn, "SELECT coalesce(max(id), 0) FROM events");
      if (max > lastId) {
        // never acknowledged (the last id moves only after a commit): remove, so it never appears.
        // Rows above lastId are this writer's own: the store holds the data directory's lock
        // (DataDirectoryLock) for its whole life, so no other hub can have written (and
        // acknowledged) them; without that lock this would delete another writer's events.
        log.warn("removing events {}..{}, stored but never acknowledged", lastId + 1, max);
        SqliteSql.update(conn, "DELETE FROM event_topics WHERE event_id > ?", lastId);
        SqliteSql.update(conn, "DELETE FROM events WHERE id > ?", lastId);
        SqliteSql.update(conn, "DELETE FROM idempotency WHERE last_id > ?", lastId);
        conn.commit();
      }
    } finally {
      conn.rollback();
    }
  }

  /**
   * Commits a {@value #SPACE_PROBE_BYTES}-byte row and removes it again: there is room to write.
   * After a failure the connection's transaction state is unknown: close it.
   */
  void spaceProbe() throws SQLException {
    try {
      begin();
      SqliteSql.update(conn, "INSERT OR REPLACE INTO meta(key, value) VALUES ('" + PROBE_KEY + "', zeroblob(?))",
          SPACE_PROBE_BYTES);
      conn.commit();
    } catch (SQLException e) {
      rollbackQuietly(); // the caller replaces the connection anyway: SQLite may have ended the transaction
      throw e;
    }
    begin();
    SqliteSql.update(conn, "DELETE FROM meta WHERE key = '" + PROBE_KEY + "'");
    conn.commit();
  }

  /** Rolls back the current transaction; false (logged) if even that failed. */
  boolean rollbackQuietly() {
    try {
      conn.rollback();
      return true;
    } catch (SQLException e) {
      log.debug("rollback failed (SQLite may have ended the transaction itself): {}", e.getMessage());
      return false;
    }
  }

  void limitPages(long maxPages) throws SQLException {
    if (maxPages > 0) {
      try (Statement s = conn.createStatement()) {
        s.execute("PRAGMA max_page_count = " + maxPages);
      }
    }
  }

  /** The current size of the database in pages. */
  long pageCount() throws SQLException {
    return SqliteSql.singleLong(conn, "PRAGMA page_count");
  }

  /**
   * What identifies the file {@code path} names now (device and inode where the platform has
   * them, else the creation time), empty if there is no such file.
   */
  static Optional<Object> fileKey(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return Optional.of(a.fileKey() != null ? a.fileKey() : a.creationTime());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn("cannot read the attributes of {}: {}", path, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Moves {@code db}'s {@code -wal} and {@code -shm} files aside (suffix {@code .orphaned-<ms>}):
   * SQLite would otherwise apply a deleted or replaced database's log to whatever file next has
   * its name, making a hybrid of the two. Logs what it moved and why.
   */
  static void setAsideLog(Path db, String why) {
    String stamp = ".orphaned-" + System.currentTimeMillis();
    for (String suffix : new String[] {"-wal", "-shm"}) {
      Path f = db.resolveSibling(db.getFileName() + suffix);
      if (Files.exists(f)) {
        Path aside = f.resolveSibling(f.getFileName() + stamp);
        try {
          Files.move(f, aside);
          log.warn("{}: moved {} aside to {}", why, f, aside.getFileName());
        } catch (IOException e) {
          log.error("{}: cannot move {} aside: {}", why, f, e.toString());
        }
      }
    }
  }

  private void closeStatements() {
    List<PreparedStatement> all = new ArrayList<>();
    for (PreparedStatement p : new PreparedStatement[] {insertEvent, insertTopic, selectKey, upsertKey, updateMeta, savepoint,
        selectWireId}) {
      if (p != null) {
        all.add(p);
      }
    }
    for (PreparedStatement p : all) {
      try {
        p.close();
      } catch (SQLException e) {
        log.debug("closing a statement failed", e);
      }
    }
    insertEvent = insertTopic = selectKey = upsertKey = updateMeta = savepoint = selectWireId = null;
  }

  /** Closes the statements and the connection (an open transaction is discarded). */
  @Override
  public void close() {
    closeStatements();
    try {
      conn.close();
    } catch (SQLException e) {
      log.warn("closing the history writer connection failed: {}", e.getMessage());
    }
  }
}
