package dev.herald.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one thread that writes the SQLite history: it takes every pending append from a bounded
 * queue, stores them in one transaction (group commit), commits, hands each new batch to the
 * listener in id order and only then completes the appends' futures. Between groups it trims
 * history in bounded chunks.
 *
 * <p>Failures: a failed write fails its whole group (rolled back, never acknowledged) and makes
 * the writer unhealthy; it then recovers by itself — rolls back, re-prepares its statements
 * (the driver discards a statement after most errors), reopens the connection if that is not
 * enough, and takes a trial write — at the next append, at the next readiness check and every
 * {@link #RECOVERY_INTERVAL_NANOS} while idle. A database file deleted or replaced under the
 * writer (its path no longer names the file it opened; checked before every acknowledgement and
 * in the readiness check) is not recovered: every append fails until the hub is restarted, and
 * the ids continue after the {@link SqliteIdReservation high-water mark}.
 *
 * <p>Threading: {@link #submit}, {@link #retain}, {@link #checkReady} and {@link #close} may be
 * called from any thread; the session, id counter and health state are written by the writer
 * thread alone. Futures complete on the writer thread, so their dependents must not block.
 */
final class SqliteWriter {
  private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);
  static final int MAX_PENDING = 10_000;
  static final long RETENTION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long RECOVERY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long CHECK_WAIT_SECONDS = 5;

  private final Path db;
  private final SqliteSchema.Sync sync;
  private final HistoryStore.Limits limits;
  private final Clock clock;
  private final SqliteIdReservation ids;
  private final Object fileKey;
  private final Optional<Object> walKey; // the log of the database opened, to set it aside if that is lost
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by lock
  private final List<Runnable> tasks = new ArrayList<>(); // guarded by lock
  private boolean closing; // guarded by lock
  private SqliteWriteSession session; // null after a failed reopen
  private long maxPages; // test seam: PRAGMA max_page_count of every session, 0 = none
  private long nextId;
  private long lastTime = Long.MIN_VALUE;
  private boolean retentionBacklog = true;
  private boolean needsSpace; // the last failure said the disk or database is full
  private volatile String problem = ""; // why the writer cannot write now; empty when healthy
  private volatile boolean lost; // the database file was deleted or replaced
  private volatile long lastId;
  private volatile long trimmedThrough;
  private volatile Consumer<List<StoredEvent>> listener = batch -> {};

  private static final class Pending {
    final List<NewEvent> batch;
    final Optional<String> key;
    final CompletableFuture<AppendResult> future = new CompletableFuture<>();
    AppendResult result;

    Pending(List<NewEvent> batch, Optional<String> key) {
      this.batch = batch;
      this.key = key;
    }
  }

  /**
   * A writer over {@code session} (which it owns from now on). Continues the ids after the
   * database's last id, or after the reservation in {@code ids} when the database is not the
   * one those ids were handed out from; reserves the next block and records it in the database.
   */
  SqliteWriter(Path db, SqliteSchema.Sync sync, SqliteWriteSession session, SqliteIdReservation ids,
      HistoryStore.Limits limits, Clock clock) throws SQLException, IOException {
    this.db = db;
    this.sync = sync;
    this.session = session;
    this.ids = ids;
    this.limits = limits;
    this.clock = clock;
    Connection c = session.conn;
    long last = SqliteSchema.lastId(c);
    long trimmed = SqliteSchema.meta(c, SqliteSchema.TRIMMED_THROUGH);
    long dbReserved = SqliteSchema.meta(c, SqliteSchema.RESERVED_THROUGH, OptionalLong.of(0));
    long dbStore = SqliteSchema.meta(c, SqliteSchema.STORE_ID, OptionalLong.of(0));
    long fileReserved = ids.reservedThrough();
    boolean genuine = !ids.existed() || (ids.storeId() == dbStore && fileReserved == dbReserved);
    if (!genuine && fileReserved > last) {
      log.warn("history store {} is not the database the ids of this directory were handed out from ({} reserves"
          + " ids through {}, the database knows ids through {}): ids continue after {}, and a client resuming"
          + " from an earlier id is told events may be missing", db, ids.file(), fileReserved, last, fileReserved);
      last = fileReserved;
      trimmed = Math.max(trimmed, fileReserved);
    }
    long store = ids.existed() ? ids.storeId() : dbStore != 0 ? dbStore : newStoreId();
    ids.write(store, Math.max(Math.addExact(last, SqliteIdReservation.BLOCK), Math.max(dbReserved, fileReserved)));
    session.meta(SqliteSchema.STORE_ID, store);
    session.meta(SqliteSchema.HIGH_WATER, last);
    session.meta(SqliteSchema.TRIMMED_THROUGH, trimmed);
    session.meta(SqliteSchema.RESERVED_THROUGH, ids.reservedThrough());
    c.commit();
    this.lastId = last;
    this.nextId = last + 1;
    this.trimmedThrough = trimmed;
    this.fileKey = SqliteWriteSession.fileKey(db).orElseThrow(() -> new SQLException(db + " vanished while opening"));
    this.walKey = SqliteWriteSession.fileKey(wal());
    thread = new Thread(this::run, "herald-history-writer");
    thread.setDaemon(true);
  }

  private static long newStoreId() {
    long id;
    do {
      id = new java.security.SecureRandom().nextLong() & Long.MAX_VALUE;
    } while (id == 0);
    return id;
  }

  void start() {
    thread.start();
  }

  long lastId() {
    return lastId;
  }

  long trimmedThrough() {
    return trimmedThrough;
  }

  boolean isRunning() {
    return thread.isAlive();
  }

  void listener(Consumer<List<StoredEvent>> listener) {
    this.listener = listener;
  }

  /** Queues an append; fails at once if the store is closed or lost, or {@value #MAX_PENDING} are pending. */
  CompletableFuture<AppendResult> submit(List<NewEvent> batch, Optional<String> key) {
    Pending p = new Pending(List.copyOf(batch), key);
    lock.lock();
    try {
      if (closing) {
        return CompletableFuture.failedFuture(new HistoryStoreException("history store " + db + " is closed"));
      }
      if (lost) {
        return CompletableFuture.failedFuture(new HistoryStoreException(problem));
      }
      if (queue.size() >= MAX_PENDING) {
        return CompletableFuture.failedFuture(new StoreOverloadedException(
            "history store overloaded: " + MAX_PENDING + " appends are waiting to be written to " + db));
      }
      queue.add(p);
      wake.signal();
    } finally {
      lock.unlock();
    }
    return p.future;
  }

  /** Trims everything beyond the limits now and waits for it; a no-op once closed. */
  void retain() {
    runOnWriter(() -> {
      while (retainChunk()) {
        // until done
      }
      retentionBacklog = false;
      return null;
    }, Long.MAX_VALUE);
  }

  /**
   * Whether the writer can write now: empty if so, else why not. Checks on the writer thread
   * that the file is still the one opened, the statements prepare and the write lock can be
   * taken; when unhealthy, tries to recover first. Waits at most {@value #CHECK_WAIT_SECONDS} s
   * for a busy writer, then answers from its last attempt.
   */
  Optional<String> checkReady() {
    if (!thread.isAlive()) {
      return Optional.of("the history writer of " + db + " is not running");
    }
    Optional<String> answer = runOnWriter(() -> {
      check();
      return problem;
    }, CHECK_WAIT_SECONDS);
    String p = answer.orElse(problem);
    return p.isEmpty() ? Optional.empty() : Optional.of(p);
  }

  /** Test seam: caps the database at {@code pages} pages (0 = no cap) on this and every later connection. */
  void maxPages(long pages) {
    runOnWriter(() -> {
      maxPages = pages;
      if (session != null) {
        session.limitPages(pages == 0 ? Integer.MAX_VALUE - 1 : Math.max(pages, session.pageCount()));
      }
      return null;
    }, Long.MAX_VALUE);
  }

  /** A step on the writer thread. */
  private interface Step<T> {
    T run() throws Exception;
  }

  /** Runs {@code step} on the writer thread and waits up to {@code seconds}; empty if closed or too slow. */
  private <T> Optional<T> runOnWriter(Step<T> step, long seconds) {
    if (Thread.currentThread() == thread) {
      try {
        return Optional.ofNullable(step.run());
      } catch (Exception e) {
        throw new HistoryStoreException("history store " + db + ": " + e.getMessage(), e);
      }
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    lock.lock();
    try {
      if (closing) {
        return Optional.empty();
      }
      tasks.add(() -> {
        try {
          done.complete(step.run());
        } catch (Exception | Error e) {
          done.completeExceptionally(e);
        }
      });
      wake.signal();
    } finally {
      lock.unlock();
    }
    try {
      return Optional.ofNullable(seconds == Long.MAX_VALUE ? done.join() : done.get(seconds, TimeUnit.SECONDS));
    } catch (java.util.concurrent.TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CompletionException e) {
      throw new HistoryStoreException("history store " + db + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Commits what is pending, stops the thread and closes the connection. */
  void close() {
    lock.lock();
    try {
      closing = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long nextRetention = System.nanoTime() + RETENTION_INTERVAL_NANOS;
    long nextRecovery = System.nanoTime() + RECOVERY_INTERVAL_NANOS;
    while (true) {
      List<Pending> group = new ArrayList<>();
      List<Runnable> steps;
      boolean exit;
      lock.lock();
      try {
        long wait;
        while (queue.isEmpty() && !closing && tasks.isEmpty() && !(retentionBacklog && problem.isEmpty())
            && (wait = Math.min(nextRetention, problem.isEmpty() || lost ? Long.MAX_VALUE : nextRecovery)
                - System.nanoTime()) > 0) {
          try {
            wake.awaitNanos(wait);
          } catch (InterruptedException e) {
            log.warn("history writer interrupted; it keeps running until the store is closed");
          }
        }
        group.addAll(queue);
        queue.clear();
        steps = new ArrayList<>(tasks);
        tasks.clear();
        exit = closing;
      } finally {
        lock.unlock();
      }
      if (!group.isEmpty()) {
        commitGroup(group);
      }
      steps.forEach(Runnable::run);
      if (!problem.isEmpty() && !lost && System.nanoTime() - nextRecovery >= 0) {
        recover();
        nextRecovery = System.nanoTime() + RECOVERY_INTERVAL_NANOS;
      }
      if (problem.isEmpty() && (retentionBacklog || System.nanoTime() - nextRetention >= 0)) {
        retentionBacklog = retainChunk();
        nextRetention = System.nanoTime() + RETENTION_INTERVAL_NANOS;
      }
      if (exit) {
        break;
      }
    }
    closeConnection();
  }

  private void commitGroup(List<Pending> group) {
    if (!problem.isEmpty()) {
      recover(); // a write may still succeed where the trial write did not: try it anyway
    }
    if (lost || session == null) {
      failAll(group, problem, null);
      return;
    }
    List<Pending> remaining = group;
    while (!remaining.isEmpty()) {
      int bad = tryCommit(remaining);
      if (bad < 0) {
        return;
      }
      remaining = new ArrayList<>(remaining);
      remaining.remove(bad);
    }
  }

  /**
   * Writes {@code group} in one transaction and publishes it. Returns -1 when done (committed, or
   * failed as a whole), else the index of a batch the database rejected: that batch is failed,
   * the transaction rolled back, and the caller retries the others.
   */
  private int tryCommit(List<Pending> group) {
    long firstId = nextId;
    long now = Math.max(lastTime, clock.millis());
    Map<String, AppendResult> keysInGroup = new HashMap<>();
    for (int i = 0; i < group.size(); i++) {
      Pending p = group.get(i);
      try {
        p.result = write(p, now, keysInGroup);
      } catch (SQLException | RuntimeException e) {
        rollback(firstId);
        if (isConstraintViolation(e)) {
          p.future.completeExceptionally(new IllegalArgumentException("batch rejected by the history store: " + e.getMessage(), e));
          return i;
        }
        failAll(group, "cannot write to history store " + db, e);
        broken(e);
        return -1;
      }
    }
    try {
      if (ids.cover(nextId - 1)) {
        session.meta(SqliteSchema.RESERVED_THROUGH, ids.reservedThrough());
      }
      session.meta(SqliteSchema.HIGH_WATER, nextId - 1);
      session.conn.commit();
    } catch (SQLException | IOException | RuntimeException e) {
      rollback(firstId);
      failAll(group, "cannot commit to history store " + db, e);
      broken(e);
      return -1;
    }
    if (!sameFile()) {
      // committed, but to a file no longer reachable by its name: not acknowledged, ids not reused
      failAll(group, problem, null);
      return -1;
    }
    if (!problem.isEmpty()) {
      log.info("history store {} can write again", db);
      problem = "";
      needsSpace = false;
    }
    lastTime = now;
    lastId = nextId - 1;
    List<StoredEvent> appended = new ArrayList<>();
    for (Pending p : group) {
      if (!p.result.duplicate()) {
        appended.addAll(p.result.events());
      }
    }
    if (!appended.isEmpty()) {
      try {
        listener.accept(appended); // once per commit: the whole group, in id order
      } catch (RuntimeException e) {
        log.warn("history listener failed for events {}..{}", appended.get(0).id(), lastId, e);
      }
    }
    for (Pending p : group) {
      p.future.complete(p.result);
    }
    return -1;
  }

  private AppendResult write(Pending p, long now, Map<String, AppendResult> keysInGroup) throws SQLException {
    SqliteWriteSession ss = session;
    boolean keyed = p.key.isPresent() && !limits.idempotencyWindow.isZero();
    if (keyed) {
      AppendResult earlier = keysInGroup.get(p.key.get());
      if (earlier != null) {
        return new AppendResult(earlier.firstId(), earlier.lastId(), earlier.events(), true);
      }
      ss.selectKey.setString(1, p.key.get());
      try (ResultSet rs = ss.selectKey.executeQuery()) {
        if (rs.next() && rs.getLong(3) >= Stores.cutoff(now, limits.idempotencyWindow)) {
          AppendResult dup = new AppendResult(rs.getLong(1), rs.getLong(2),
              SqliteSchema.eventsBetween(ss.conn, rs.getLong(1), rs.getLong(2)), true);
          keysInGroup.put(p.key.get(), dup);
          return dup;
        }
      }
    }
    List<StoredEvent> stored = new ArrayList<>(p.batch.size());
    for (NewEvent e : p.batch) {
      StoredEvent s = Stores.stored(e, nextId++, now);
      ss.insertEvent.setLong(1, s.id());
      ss.insertEvent.setLong(2, now);
      ss.insertEvent.setString(3, s.event().orElse(null));
      ss.insertEvent.setString(4, s.data());
      if (s.retry().isPresent()) {
        ss.insertEvent.setLong(5, Stores.millis(s.retry().get()));
      } else {
        ss.insertEvent.setNull(5, java.sql.Types.INTEGER);
      }
      ss.insertEvent.executeUpdate();
      for (String topic : s.topics()) {
        ss.insertTopic.setString(1, topic);
        ss.insertTopic.setLong(2, s.id());
        ss.insertTopic.executeUpdate();
      }
      stored.add(s);
    }
    AppendResult result = new AppendResult(stored, false);
    if (keyed) {
      ss.upsertKey.setString(1, p.key.get());
      ss.upsertKey.setLong(2, stored.get(0).id());
      ss.upsertKey.setLong(3, nextId - 1);
      ss.upsertKey.setLong(4, now);
      ss.upsertKey.executeUpdate();
      keysInGroup.put(p.key.get(), result);
    }
    return result;
  }

  private static boolean isConstraintViolation(Exception e) {
    // extended result codes (SQLITE_CONSTRAINT_CHECK, ...) share the primary code's low byte
    return primaryCode(e) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
  }

  private static int primaryCode(Exception e) {
    return e instanceof SQLiteException ? ((SQLiteException) e).getResultCode().code & 0xff : -1;
  }

  private static boolean isFull(Exception e) {
    int code = primaryCode(e);
    return code == SQLiteErrorCode.SQLITE_FULL.code || code == SQLiteErrorCode.SQLITE_IOERR.code
        || e instanceof IOException;
  }

  private void rollback(long firstId) {
    nextId = firstId;
    if (session != null && !session.rollbackQuietly()) {
      log.error("rollback of history store {} failed; reopening the connection", db);
      session.close(); // discards the transaction
      session = null;
    }
  }

  private static void failAll(List<Pending> group, String message, Exception cause) {
    if (cause != null) {
      log.error("{}: {} appends failed", message, group.size(), cause);
    }
    HistoryStoreException e = cause == null ? new HistoryStoreException(message)
        : new HistoryStoreException(message + ": " + cause.getMessage(), cause);
    for (Pending p : group) {
      p.future.completeExceptionally(e);
    }
  }

  /** A write failed with {@code e}: unhealthy until a write succeeds again; first attempt at once. */
  private void broken(Exception e) {
    problem = "the history store " + db + " cannot write: " + e.getMessage();
    needsSpace |= isFull(e);
    recover();
  }

  /** Readiness step: the file, then (healthy) a probe or (unhealthy) a recovery. */
  private void check() {
    if (lost || !sameFile()) {
      return;
    }
    if (!problem.isEmpty()) {
      recover();
      return;
    }
    try {
      if (session == null) {
        throw new SQLException("no connection");
      }
      session.probe(lastId);
    } catch (SQLException | RuntimeException e) {
      log.warn("history store {} failed its readiness probe: {}", db, e.getMessage());
      broken(e);
    }
  }

  /**
   * Tries to make the writer healthy: rollback, fresh statements, the probe and (after a full
   * disk) a trial write on the current connection, else the same on a new one. True if healthy.
   */
  private boolean recover() {
    for (int attempt = 0; attempt < 2; attempt++) {
      if (lost || !sameFile()) {
        return false;
      }
      try {
        if (session == null) {
          session = SqliteWriteSession.open(db, sync, false, maxPages);
        }
        session.probe(lastId);
        if (needsSpace) {
          session.spaceProbe();
        }
        if (!problem.isEmpty()) {
          log.info("history store {} can write again", db);
        }
        problem = "";
        needsSpace = false;
        return true;
      } catch (SQLException | RuntimeException e) {
        problem = "the history store " + db + " cannot write: " + e.getMessage();
        needsSpace |= isFull(e);
        if (session != null) {
          session.close();
          session = null;
        }
        log.debug("history store {}: recovery attempt failed: {}", db, e.getMessage());
      }
    }
    return false;
  }

  /** Whether {@link #db} still names the file opened; if not, the writer is lost for good. */
  private boolean sameFile() {
    if (lost) {
      return false;
    }
    if (SqliteWriteSession.fileKey(db).filter(fileKey::equals).isPresent()) {
      return true;
    }
    lost = true;
    problem = "the history database " + db + " was deleted or replaced while the hub was running; nothing is"
        + " stored until the hub is restarted (ids then continue after " + ids.file().getFileName() + ")";
    log.error(problem);
    if (walKey.isPresent() && SqliteWriteSession.fileKey(wal()).equals(walKey)) {
      SqliteWriteSession.setAsideLog(db, "the database " + db + " was deleted or replaced");
    }
    lock.lock();
    try {
      failAll(new ArrayList<>(queue), problem, null);
      queue.clear();
    } finally {
      lock.unlock();
    }
    return false;
  }

  private Path wal() {
    return db.resolveSibling(db.getFileName() + "-wal");
  }

  /** Deletes one bounded chunk beyond the limits in its own transaction; true if more remain. */
  private boolean retainChunk() {
    if (session == null || lost) {
      return false;
    }
    long now = Math.max(lastTime, clock.millis());
    try {
      SqliteRetention.Chunk chunk = SqliteRetention.trimChunk(session.conn, limits, now, lastId, trimmedThrough);
      session.conn.commit();
      if (chunk.trimmedThrough != trimmedThrough) {
        trimmedThrough = chunk.trimmedThrough;
        log.debug("history store {}: trimmed through id {}", db, trimmedThrough);
      }
      return chunk.more;
    } catch (SQLException | RuntimeException e) {
      rollback(nextId);
      log.error("retention in history store {} failed", db, e);
      broken(e);
      return false;
    }
  }

  private void closeConnection() {
    if (session == null) {
      return;
    }
    try {
      session.conn.commit();
    } catch (SQLException e) {
      log.warn("final commit of history store {} failed", db, e);
    }
    session.close();
    session = null;
  }
}
