package dev.herald.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;

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
  private final HistoryStore.Limits limits;
  private final Clock clock;
  private final SqliteIdReservation ids;
  private final SqliteWriterHealth health;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by lock
  private final List<Runnable> tasks = new ArrayList<>(); // guarded by lock
  private boolean closing; // guarded by lock
  private long nextId;
  private long lastTime = Long.MIN_VALUE;
  private boolean retentionBacklog = true;
  private long recordedReservation; // the reservation the database holds (meta.reserved_through)
  private long reservationNeeded; // the last id of a write that failed before its ids were reserved
  private volatile long lastId;
  private volatile long trimmedThrough;
  private volatile Consumer<List<StoredEvent>> listener = batch -> {};

  private static final class Pending {
    final List<NewEvent> batch;
    final Optional<String> key;
    final String requestHash;
    final CompletableFuture<AppendResult> future = new CompletableFuture<>();
    AppendResult result;

    Pending(List<NewEvent> batch, Optional<String> key, String requestHash) {
      this.batch = batch;
      this.key = key;
      this.requestHash = requestHash;
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
    this.ids = ids;
    this.limits = limits;
    this.clock = clock;
    SqliteIdReservation.Start start = ids.begin(db, session);
    this.recordedReservation = ids.reservedThrough();
    this.health = new SqliteWriterHealth(db, sync, session, ids.file().getFileName().toString(), () -> ids.cover(reservationNeeded));
    this.lastId = start.lastId;
    this.nextId = start.lastId + 1;
    this.trimmedThrough = start.trimmedThrough;
    thread = new Thread(this::run, "herald-history-writer");
    thread.setDaemon(true);
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

  void listener(Consumer<List<StoredEvent>> listener) {
    this.listener = listener;
  }

  /** Queues an append; fails at once if the store is closed or lost, or {@value #MAX_PENDING} are pending. */
  CompletableFuture<AppendResult> submit(List<NewEvent> batch, Optional<String> key, String requestHash) {
    Pending p = new Pending(List.copyOf(batch), key, requestHash);
    lock.lock();
    try {
      if (closing) {
        return CompletableFuture.failedFuture(new StoreUnavailableException("history store " + db + " is closed"));
      }
      if (health.isLost()) {
        return CompletableFuture.failedFuture(new StoreUnavailableException(health.problem()));
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
      health.check(lastId);
      return health.problem();
    }, CHECK_WAIT_SECONDS);
    String p = answer.orElse(health.problem());
    return p.isEmpty() ? Optional.empty() : Optional.of(p);
  }

  /** Why the last write or recovery attempt failed, without a new check; empty when healthy. */
  String lastProblem() {
    return health.problem();
  }

  /** Test seam: caps the database at {@code pages} pages (0 = no cap) on this and every later connection. */
  void maxPages(long pages) {
    runOnWriter(() -> {
      health.maxPages(pages);
      return null;
    }, Long.MAX_VALUE);
  }

  private interface Step<T> {
    T run() throws Exception;
  }

  /** Runs {@code step} on the writer thread and waits up to {@code seconds}; empty if closed or too slow. */
  private <T> Optional<T> runOnWriter(Step<T> step, long seconds) {
    if (Thread.currentThread() == thread) {
      try {
        return Optional.ofNullable(step.run());
      } catch (Exception e) {
        throw new StoreUnavailableException("history store " + db + ": " + e.getMessage(), e);
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
      throw new StoreUnavailableException("history store " + db + ": " + e.getCause().getMessage(), e.getCause());
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
        boolean healthy = health.problem().isEmpty();
        long until = healthy || health.isLost() ? nextRetention : Math.min(nextRetention, nextRecovery);
        while (queue.isEmpty() && !closing && tasks.isEmpty() && !(retentionBacklog && healthy)
            && (wait = until - System.nanoTime()) > 0) {
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
      if (!health.problem().isEmpty() && !health.isLost() && System.nanoTime() - nextRecovery >= 0) {
        health.recover(lastId);
        nextRecovery = System.nanoTime() + RECOVERY_INTERVAL_NANOS;
      }
      if (health.problem().isEmpty() && (retentionBacklog || System.nanoTime() - nextRetention >= 0)) {
        retentionBacklog = retainChunk();
        nextRetention = System.nanoTime() + RETENTION_INTERVAL_NANOS;
      }
      if (exit) {
        break;
      }
    }
    boolean lost = health.isLost();
    health.close();
    if (ids.storeId() != 0) {
      try {
        ids.closed(lost ? -1 : lastId);
      } catch (IOException | RuntimeException e) {
        log.warn("cannot record the clean stop in {}: {}", ids.file(), e.toString());
      }
    }
  }

  private void commitGroup(List<Pending> group) {
    if (!health.problem().isEmpty()) {
      health.recover(lastId); // a write may still succeed where the trial write did not: try it anyway
    }
    if (health.session().isEmpty()) {
      failAll(group, health.problem(), null);
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
        if (i == 0) {
          health.session().orElseThrow().begin();
        }
        p.result = write(p, now, keysInGroup);
      } catch (DuplicateIdException e) {
        rollback(firstId); // nothing of this batch was written; the others are tried again
        p.future.completeExceptionally(e);
        return i;
      } catch (SQLException | RuntimeException e) {
        rollback(firstId);
        if (isConstraintViolation(e)) {
          p.future.completeExceptionally(new IllegalArgumentException("batch rejected by the history store: " + e.getMessage(), e));
          return i;
        }
        health.failed(e, lastId); // before the futures: a caller seeing the failure sees the state too
        failAll(group, "cannot write to history store " + db, e);
        return -1;
      }
    }
    try {
      SqliteWriteSession session = health.session().orElseThrow();
      ids.cover(nextId - 1);
      if (ids.reservedThrough() != recordedReservation) {
        // also after a failed commit or a recovery that reserved: else the next start finds the
        // database's reservation behind the file's and takes it for another database
        session.meta(SqliteSchema.RESERVED_THROUGH, ids.reservedThrough());
      }
      session.meta(SqliteSchema.HIGH_WATER, nextId - 1);
      session.conn.commit();
      recordedReservation = ids.reservedThrough();
    } catch (SQLException | IOException | RuntimeException e) {
      if (ids.reservedThrough() < nextId - 1) {
        reservationNeeded = nextId - 1; // recovery reserves them first
      }
      rollback(firstId);
      health.failed(e, lastId);
      failAll(group, "cannot commit to history store " + db, e);
      return -1;
    }
    if (!health.sameFile()) {
      // committed, but to a file no longer reachable by its name: not acknowledged, ids not reused
      failAll(group, health.problem(), null);
      return -1;
    }
    health.succeeded();
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
    SqliteWriteSession ss = health.session().orElseThrow();
    boolean keyed = p.key.isPresent() && !limits.idempotencyWindow.isZero();
    if (keyed) {
      AppendResult earlier = keysInGroup.get(p.key.get());
      if (earlier != null) {
        return new AppendResult(earlier.firstId(), earlier.lastId(), earlier.events(), true, earlier.requestHash());
      }
      ss.selectKey.setString(1, p.key.get());
      try (ResultSet rs = ss.selectKey.executeQuery()) {
        if (rs.next() && rs.getLong(3) >= Stores.cutoff(now, limits.idempotencyWindow)) {
          String hash = rs.getString(4); // null: stored before request hashes were kept
          AppendResult dup = new AppendResult(rs.getLong(1), rs.getLong(2),
              SqliteSchema.eventsBetween(ss.conn, rs.getLong(1), rs.getLong(2)), true, hash == null ? "" : hash);
          keysInGroup.put(p.key.get(), dup);
          return dup;
        }
      }
    }
    ss.refuseTakenIds(p.batch); // sees the group's earlier batches too: the same transaction
    List<StoredEvent> stored = new ArrayList<>(p.batch.size());
    for (NewEvent e : p.batch) {
      StoredEvent s = Stores.stored(e, nextId++, now);
      ss.insert(s);
      stored.add(s);
    }
    AppendResult result = new AppendResult(stored, false, p.requestHash);
    if (keyed) {
      ss.putKey(p.key.get(), stored.get(0).id(), nextId - 1, now, p.requestHash);
      keysInGroup.put(p.key.get(), result);
    }
    return result;
  }

  private static boolean isConstraintViolation(Exception e) {
    return SqliteWriterHealth.primaryCode(e) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
  }

  private void rollback(long firstId) {
    nextId = firstId;
    health.rollback();
  }

  private static void failAll(List<Pending> group, String message, Exception cause) {
    if (cause != null) {
      log.error("{}: {} appends failed", message, group.size(), cause);
    }
    StoreUnavailableException e = cause == null ? new StoreUnavailableException(message)
        : new StoreUnavailableException(message + ": " + cause.getMessage(), cause);
    for (Pending p : group) {
      p.future.completeExceptionally(e);
    }
  }

  /** Deletes one bounded chunk beyond the limits in its own transaction; true if more remain. */
  private boolean retainChunk() {
    Optional<SqliteWriteSession> session = health.session();
    if (session.isEmpty()) {
      return false;
    }
    long now = Math.max(lastTime, clock.millis());
    try {
      session.get().begin();
      SqliteRetention.Chunk chunk = SqliteRetention.trimChunk(session.get().conn, limits, now, lastId, trimmedThrough);
      session.get().conn.commit();
      if (chunk.trimmedThrough != trimmedThrough) {
        trimmedThrough = chunk.trimmedThrough;
        log.debug("history store {}: trimmed through id {}", db, trimmedThrough);
      }
      return chunk.more;
    } catch (SQLException | RuntimeException e) {
      rollback(nextId);
      log.error("retention in history store {} failed", db, e);
      health.failed(e, lastId);
      return false;
    }
  }
}
