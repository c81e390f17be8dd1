package dev.herald.hub;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import org.sqlite.SQLiteException;

/**
 * The one thread that writes the SQLite history: it takes every pending append from a bounded
 * queue, stores them in one transaction (group commit), commits, hands each new batch to the
 * listener in id order and only then completes the appends' futures. Between groups it trims
 * history in bounded chunks.
 *
 * <p>Threading: {@link #submit}, {@link #retain} and {@link #close} may be called from any
 * thread; the connection, prepared statements and id counter belong to the writer thread alone.
 * Futures complete on the writer thread, so their dependents must not block.
 */
final class SqliteWriter {
  private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);
  static final int MAX_PENDING = 10_000;
  static final long RETENTION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path db;
  private final Connection conn;
  private final HistoryStore.Limits limits;
  private final Clock clock;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by lock
  private final List<CompletableFuture<Void>> retentionRequests = new ArrayList<>(); // guarded by lock
  private boolean closing; // guarded by lock
  private final PreparedStatement insertEvent;
  private final PreparedStatement insertTopic;
  private final PreparedStatement selectKey;
  private final PreparedStatement upsertKey;
  private final PreparedStatement updateMeta;
  private long nextId;
  private long lastTime = Long.MIN_VALUE;
  private boolean retentionBacklog = true;
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

  SqliteWriter(Path db, Connection conn, HistoryStore.Limits limits, Clock clock) throws SQLException {
    this.db = db;
    this.conn = conn;
    this.limits = limits;
    this.clock = clock;
    this.lastId = SqliteSchema.lastId(conn);
    this.nextId = lastId + 1;
    this.trimmedThrough = SqliteSchema.meta(conn, SqliteSchema.TRIMMED_THROUGH);
    conn.commit();
    insertEvent = conn.prepareStatement("INSERT INTO events(id, time_ms, event, data, retry_ms) VALUES (?, ?, ?, ?, ?)");
    insertTopic = conn.prepareStatement("INSERT INTO event_topics(topic, event_id) VALUES (?, ?)");
    selectKey = conn.prepareStatement("SELECT first_id, last_id, time_ms, request_hash FROM idempotency WHERE key = ?");
    upsertKey = conn.prepareStatement(
        "INSERT OR REPLACE INTO idempotency(key, first_id, last_id, time_ms, request_hash) VALUES (?, ?, ?, ?, ?)");
    updateMeta = conn.prepareStatement("UPDATE meta SET value = ? WHERE key = ?");
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

  boolean isRunning() {
    return thread.isAlive();
  }

  void listener(Consumer<List<StoredEvent>> listener) {
    this.listener = listener;
  }

  /** Queues an append; fails at once if the store is closed or {@value #MAX_PENDING} are pending. */
  CompletableFuture<AppendResult> submit(List<NewEvent> batch, Optional<String> key, String requestHash) {
    Pending p = new Pending(List.copyOf(batch), key, requestHash);
    lock.lock();
    try {
      if (closing) {
        return CompletableFuture.failedFuture(new HistoryStoreException("history store " + db + " is closed"));
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
    if (Thread.currentThread() == thread) {
      while (retainChunk()) {
        // until done
      }
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    lock.lock();
    try {
      if (closing) {
        return;
      }
      retentionRequests.add(done);
      wake.signal();
    } finally {
      lock.unlock();
    }
    done.join();
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
    while (true) {
      List<Pending> group = new ArrayList<>();
      List<CompletableFuture<Void>> requests;
      boolean exit;
      lock.lock();
      try {
        long wait;
        while (queue.isEmpty() && !closing && retentionRequests.isEmpty() && !retentionBacklog
            && (wait = nextRetention - System.nanoTime()) > 0) {
          try {
            wake.awaitNanos(wait);
          } catch (InterruptedException e) {
            log.warn("history writer interrupted; it keeps running until the store is closed");
          }
        }
        group.addAll(queue);
        queue.clear();
        requests = new ArrayList<>(retentionRequests);
        retentionRequests.clear();
        exit = closing;
      } finally {
        lock.unlock();
      }
      if (!group.isEmpty()) {
        commitGroup(group);
      }
      if (!requests.isEmpty()) {
        while (retainChunk()) {
          // until done
        }
        retentionBacklog = false;
        requests.forEach(f -> f.complete(null));
      } else if (retentionBacklog || System.nanoTime() - nextRetention >= 0) {
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
        return -1;
      }
    }
    try {
      updateMeta.setLong(1, nextId - 1);
      updateMeta.setString(2, SqliteSchema.HIGH_WATER);
      updateMeta.executeUpdate();
      conn.commit();
    } catch (SQLException e) {
      rollback(firstId);
      failAll(group, "cannot commit to history store " + db, e);
      return -1;
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
    boolean keyed = p.key.isPresent() && !limits.idempotencyWindow.isZero();
    if (keyed) {
      AppendResult earlier = keysInGroup.get(p.key.get());
      if (earlier != null) {
        return new AppendResult(earlier.firstId(), earlier.lastId(), earlier.events(), true, earlier.requestHash());
      }
      selectKey.setString(1, p.key.get());
      try (ResultSet rs = selectKey.executeQuery()) {
        if (rs.next() && rs.getLong(3) >= Stores.cutoff(now, limits.idempotencyWindow)) {
          String hash = rs.getString(4); // null: stored before request hashes were kept
          AppendResult dup = new AppendResult(rs.getLong(1), rs.getLong(2),
              SqliteSchema.eventsBetween(conn, rs.getLong(1), rs.getLong(2)), true, hash == null ? "" : hash);
          keysInGroup.put(p.key.get(), dup);
          return dup;
        }
      }
    }
    List<StoredEvent> stored = new ArrayList<>(p.batch.size());
    for (NewEvent e : p.batch) {
      StoredEvent s = Stores.stored(e, nextId++, now);
      insertEvent.setLong(1, s.id());
      insertEvent.setLong(2, now);
      insertEvent.setString(3, s.event().orElse(null));
      insertEvent.setString(4, s.data());
      if (s.retry().isPresent()) {
        insertEvent.setLong(5, Stores.millis(s.retry().get()));
      } else {
        insertEvent.setNull(5, java.sql.Types.INTEGER);
      }
      insertEvent.executeUpdate();
      for (String topic : s.topics()) {
        insertTopic.setString(1, topic);
        insertTopic.setLong(2, s.id());
        insertTopic.executeUpdate();
      }
      stored.add(s);
    }
    AppendResult result = new AppendResult(stored, false, p.requestHash);
    if (keyed) {
      upsertKey.setString(1, p.key.get());
      upsertKey.setLong(2, stored.get(0).id());
      upsertKey.setLong(3, nextId - 1);
      upsertKey.setLong(4, now);
      upsertKey.setString(5, p.requestHash);
      upsertKey.executeUpdate();
      keysInGroup.put(p.key.get(), result);
    }
    return result;
  }

  private static boolean isConstraintViolation(Exception e) {
    // extended result codes (SQLITE_CONSTRAINT_CHECK, ...) share the primary code's low byte
    return e instanceof SQLiteException
        && (((SQLiteException) e).getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
  }

  private void rollback(long firstId) {
    nextId = firstId;
    try {
      conn.rollback();
    } catch (SQLException e) {
      log.error("rollback of history store {} failed", db, e);
    }
  }

  private static void failAll(List<Pending> group, String message, Exception cause) {
    log.error("{}: {} appends failed", message, group.size(), cause);
    HistoryStoreException e = new HistoryStoreException(message + ": " + cause.getMessage(), cause);
    for (Pending p : group) {
      p.future.completeExceptionally(e);
    }
  }

  /** Deletes one bounded chunk beyond the limits in its own transaction; true if more remain. */
  private boolean retainChunk() {
    long now = Math.max(lastTime, clock.millis());
    try {
      SqliteRetention.Chunk chunk = SqliteRetention.trimChunk(conn, limits, now, lastId, trimmedThrough);
      conn.commit();
      if (chunk.trimmedThrough != trimmedThrough) {
        trimmedThrough = chunk.trimmedThrough;
        log.debug("history store {}: trimmed through id {}", db, trimmedThrough);
      }
      return chunk.more;
    } catch (SQLException e) {
      rollback(nextId);
      log.error("retention in history store {} failed", db, e);
      return false;
    }
  }

  private void closeConnection() {
    try {
      conn.commit();
    } catch (SQLException e) {
      log.warn("final commit of history store {} failed", db, e);
    }
    for (PreparedStatement p : List.of(insertEvent, insertTopic, selectKey, upsertKey, updateMeta)) {
      try {
        p.close();
      } catch (SQLException e) {
        log.debug("closing a statement failed", e);
      }
    }
    try {
      conn.close();
    } catch (SQLException e) {
      log.warn("closing history store {} failed", db, e);
    }
  }
}
