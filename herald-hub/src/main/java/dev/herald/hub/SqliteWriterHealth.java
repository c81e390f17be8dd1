package dev.herald.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The history writer's connection ({@link SqliteWriteSession}) and whether it can write: healthy
 * until a write fails, then unhealthy until a write or a {@linkplain #recover recovery} succeeds;
 * lost for good once the database path no longer names the file opened (deleted or replaced).
 *
 * <p>Recovery, in order: roll back, re-prepare the statements (the driver discards a statement
 * after most errors, which is what left the hub answering "statement is not executing"),
 * {@linkplain SqliteWriteSession#probe probe}, and after a full disk a 64 KiB trial write; if
 * any of that fails, the same on a new connection (never creating the file). A write that failed
 * because its ids could not be reserved in {@code herald.ids} first retries that reservation.
 *
 * <p>Threading: {@link #problem} and {@link #isLost} may be read from any thread; everything
 * else belongs to the writer thread.
 */
final class SqliteWriterHealth {
  private static final Logger log = LoggerFactory.getLogger(SqliteWriterHealth.class);

  private final Path db;
  private final SqliteSchema.Sync sync;
  private final String idsFile;
  private final Object fileKey;
  private final Optional<Object> walKey; // the log of the database opened, set aside if that is lost
  private final Reservation reservation;
  private SqliteWriteSession session; // null after a failed reopen
  private long maxPages; // test seam: PRAGMA max_page_count of every session, 0 = none
  private boolean needsSpace; // the last failure said the disk or database is full
  private volatile String problem = ""; // why the writer cannot write now; empty when healthy
  private volatile boolean lost;

  /** Reserves the ids a failed write needed beyond the reservation (a no-op when none did). */
  interface Reservation {
    void renew() throws IOException;
  }

  SqliteWriterHealth(Path db, SqliteSchema.Sync sync, SqliteWriteSession session, String idsFile,
      Reservation reservation) throws SQLException {
    this.db = db;
    this.reservation = reservation;
    this.sync = sync;
    this.session = session;
    this.idsFile = idsFile;
    this.fileKey = SqliteWriteSession.fileKey(db).orElseThrow(() -> new SQLException(db + " vanished while opening"));
    this.walKey = SqliteWriteSession.fileKey(wal());
  }

  /** The session, or empty when even reopening failed (or the file is lost). */
  Optional<SqliteWriteSession> session() {
    return lost ? Optional.empty() : Optional.ofNullable(session);
  }

  /** Why a write cannot succeed now; empty when healthy. */
  String problem() {
    return problem;
  }

  boolean isLost() {
    return lost;
  }

  /** A write succeeded. */
  void succeeded() {
    if (!problem.isEmpty() && !lost) {
      log.info("history store {} can write again", db);
      problem = "";
      needsSpace = false;
    }
  }

  /** A write failed with {@code e}: unhealthy until a write succeeds again; first recovery attempt at once. */
  void failed(Exception e, long lastId) {
    unhealthy(e);
    recover(lastId);
  }

  /** Rolls back; a connection that cannot even do that is closed (which discards its transaction). */
  void rollback() {
    if (session != null && !session.rollbackQuietly()) {
      log.info("history store {}: reopening the connection after a failed rollback", db);
      session.close();
      session = null;
    }
  }

  /** Readiness step: the file, then (healthy) a probe or (unhealthy) a recovery. */
  void check(long lastId) {
    if (!sameFile()) {
      return;
    }
    if (!problem.isEmpty()) {
      recover(lastId);
      return;
    }
    try {
      if (session == null) {
        throw new SQLException("no connection");
      }
      session.probe(lastId);
    } catch (SQLException | RuntimeException e) {
      log.warn("history store {} failed its readiness probe: {}", db, e.getMessage());
      failed(e, lastId);
    }
  }

  /** Tries to become healthy (see the class comment); true if it is. */
  boolean recover(long lastId) {
    for (int attempt = 0; attempt < 2; attempt++) {
      if (!sameFile()) {
        return false;
      }
      try {
        reservation.renew(); // the next write needs its ids reserved in the id high-water file
      } catch (IOException | RuntimeException e) {
        unhealthy(e);
        return false;
      }
      try {
        if (session == null) {
          session = SqliteWriteSession.open(db, sync, false, maxPages);
        }
        session.probe(lastId);
      } catch (SQLException | RuntimeException e) {
        unhealthy(e);
        closeSession(); // try a new connection
        continue;
      }
      if (needsSpace) {
        try {
          session.spaceProbe();
        } catch (SQLException | RuntimeException e) {
          unhealthy(e);
          // still no room; a smaller append may yet succeed, on a fresh connection (SQLite may
          // have ended this one's transaction itself)
          closeSession();
          try {
            session = SqliteWriteSession.open(db, sync, false, maxPages);
            session.probe(lastId);
          } catch (SQLException | RuntimeException again) {
            closeSession();
          }
          return false;
        }
      }
      succeeded();
      return true;
    }
    return false;
  }

  private void unhealthy(Exception e) {
    problem = "the history store " + db + " cannot write: " + e.getMessage();
    needsSpace |= isFull(e);
    log.debug("history store {}: recovery attempt failed: {}", db, e.getMessage());
  }

  /** Whether the path still names the file opened; if not, lost for good (and its log set aside). */
  boolean sameFile() {
    if (lost) {
      return false;
    }
    if (SqliteWriteSession.fileKey(db).filter(fileKey::equals).isPresent()) {
      return true;
    }
    lost = true;
    problem = "the history database " + db + " was deleted or replaced while the hub was running; nothing is"
        + " stored until the hub is restarted (ids then continue after those recorded in " + idsFile + ")";
    log.error(problem);
    if (walKey.isPresent() && SqliteWriteSession.fileKey(wal()).equals(walKey)) {
      SqliteWriteSession.setAsideLog(db, "the database " + db + " was deleted or replaced");
    }
    return false;
  }

  /** Test seam: caps the database at {@code pages} pages on this and every later connection (0 = no cap). */
  void maxPages(long pages) throws SQLException {
    maxPages = pages;
    if (session != null) {
      session.limitPages(pages == 0 ? Integer.MAX_VALUE - 1 : Math.max(pages, session.pageCount()));
    }
  }

  /** A failed write that a recovery would not cure by itself: a full disk or an I/O error. */
  static boolean isFull(Exception e) {
    int code = primaryCode(e);
    return code == SQLiteErrorCode.SQLITE_FULL.code || code == SQLiteErrorCode.SQLITE_IOERR.code
        || e instanceof IOException;
  }

  static int primaryCode(Exception e) {
    // extended result codes (SQLITE_CONSTRAINT_CHECK, ...) share the primary code's low byte
    return e instanceof SQLiteException ? ((SQLiteException) e).getResultCode().code & 0xff : -1;
  }

  /** Commits what is open and closes the connection. */
  void close() {
    if (session != null && !lost) {
      try {
        session.conn.commit();
      } catch (SQLException e) {
        log.warn("final commit of history store {} failed", db, e);
      }
    }
    closeSession();
  }

  private void closeSession() {
    if (session != null) {
      session.close();
      session = null;
    }
  }

  private Path wal() {
    return db.resolveSibling(db.getFileName() + "-wal");
  }
}
