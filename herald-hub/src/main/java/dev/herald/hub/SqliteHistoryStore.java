package dev.herald.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link HistoryStore}: an embedded SQLite database {@code herald.db} in WAL mode
 * (inspect it with {@code sqlite3}), written by one thread with group commit
 * ({@link SqliteWriter}) and read through a small connection pool ({@link SqliteReader}).
 *
 * <p>Durability of an ack: an append's future completes only after the transaction holding it
 * committed. With the default {@link SqliteSchema.Sync#FULL} the WAL is fsync'ed at every commit,
 * so an acknowledged event survives a process kill ({@code kill -9}), an OS crash and a power
 * loss. With {@link SqliteSchema.Sync#NORMAL} it survives a process kill but the last commits
 * before an OS crash or power loss may be lost. Group commit amortises one fsync over all
 * appends pending at that moment.
 *
 * <p>Failures: a failed write is never acknowledged and leaves nothing behind (its
 * transaction is rolled back); the store then recovers by itself once it can write again (see
 * {@link SqliteWriter}) and {@link #checkReady} says why it cannot meanwhile. Ids are never
 * reused, also when the database is deleted or replaced ({@link SqliteIdReservation}).
 *
 * <p>Threading: thread-safe. Appends are queued (at most {@value SqliteWriter#MAX_PENDING};
 * beyond that they fail at once with {@link StoreOverloadedException}); the listener runs on the
 * writer thread and futures complete there, so neither may block. Reads run on the caller's
 * thread.
 */
final class SqliteHistoryStore implements HistoryStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteHistoryStore.class);
  static final int READ_CONNECTIONS = 4;

  private final Path db;
  private final SqliteWriter writer;
  private final SqliteReader reader;
  private final DataDirectoryLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteHistoryStore(Path db, SqliteWriter writer, SqliteReader reader, DataDirectoryLock lock) {
    this.db = db;
    this.writer = writer;
    this.reader = reader;
    this.lock = lock;
  }

  /** Opens (creating if needed) {@code dataDirectory/herald.db} with synchronous FULL. */
  static SqliteHistoryStore open(Path dataDirectory, Limits limits) {
    return open(dataDirectory, limits, Clock.systemUTC(), SqliteSchema.Sync.FULL);
  }

  /**
   * Opens (creating if needed) {@code dataDirectory/herald.db}; {@code clock} stamps events and
   * drives age retention. Throws {@link StoreUnavailableException} naming the path and the cause if
   * the directory cannot be created or written, the file is not a usable Herald database, or
   * another store (of this or another process) has the directory open: a store holds
   * {@code dataDirectory/herald.lock} ({@link DataDirectoryLock}) from open to close, so one
   * directory has one writer.
   */
  static SqliteHistoryStore open(Path dataDirectory, Limits limits, Clock clock, SqliteSchema.Sync sync) {
    Objects.requireNonNull(dataDirectory, "dataDirectory == null");
    Stores.checkLimits(limits);
    Objects.requireNonNull(clock, "clock == null");
    Objects.requireNonNull(sync, "sync == null");
    Path dir = dataDirectory.toAbsolutePath();
    Path db = dir.resolve(SqliteSchema.FILE_NAME);
    try {
      Files.createDirectories(dir);
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException("cannot create history directory " + dir + ": " + e, e);
    }
    if (!Files.isWritable(dir)) {
      throw new StoreUnavailableException("history directory " + dir + " is not writable");
    }
    // before anything reads or writes the directory: with a second writer each would hand out
    // the other's ids, and take the other's acknowledged events for its own unacknowledged ones
    DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
    SqliteWriteSession w = null;
    SqliteReader r = null;
    try {
      if (!Files.exists(db)) {
        // the log of a database deleted under an earlier run: it must not be applied to a new file
        SqliteWriteSession.setAsideLog(db, "the database " + db + " is missing");
      }
      SqliteIdReservation ids = SqliteIdReservation.read(dir);
      w = SqliteWriteSession.open(db, sync, true, 0);
      SqliteWriter writer = new SqliteWriter(db, sync, w, ids, limits, clock);
      r = new SqliteReader(db, READ_CONNECTIONS);
      writer.start();
      log.info("history store {} opened: journal_mode=wal, synchronous={}, lastId={}, trimmedThrough={}",
          db, sync, writer.lastId(), writer.trimmedThrough());
      return new SqliteHistoryStore(db, writer, r, lock);
    } catch (SQLException | IOException | RuntimeException e) {
      if (r != null) {
        r.close();
      }
      if (w != null) {
        w.close();
      }
      lock.close();
      throw new StoreUnavailableException("cannot open history store " + db + ": " + e.getMessage(), e);
    }
  }

  /** The database file. */
  Path file() {
    return db;
  }

  @Override
  public CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> idempotencyKey, String requestHash) {
    Objects.requireNonNull(batch, "batch == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    Objects.requireNonNull(requestHash, "requestHash == null");
    // a negative retry is left to the database's CHECK constraint
    String problem = Stores.batchProblem(batch, false);
    if (!problem.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
    }
    return writer.submit(batch, idempotencyKey, requestHash);
  }

  @Override
  public List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    Objects.requireNonNull(selectors, "selectors == null");
    return reader.readAfter(afterId, selectors, limit);
  }

  @Override
  public OptionalLong positionOf(String wireId) {
    Objects.requireNonNull(wireId, "wireId == null");
    return reader.positionOf(wireId);
  }

  @Override
  public long lastId() {
    return writer.lastId();
  }

  @Override
  public long trimmedThrough() {
    return writer.trimmedThrough();
  }

  @Override
  public void onAppended(Consumer<List<StoredEvent>> listener) {
    writer.listener(Objects.requireNonNull(listener, "listener == null"));
  }

  @Override
  public void enforceRetention() {
    writer.retain();
  }

  @Override
  public boolean isReady() {
    return checkReady().isEmpty();
  }

  /**
   * Empty when a publish can be stored now: the store is open, its database file is still the
   * one it opened, the writer's last write succeeded (or, after a failure, its recovery did) and
   * its probe passes (statements prepare, the write lock can be taken), and a reader answers.
   */
  @Override
  public Optional<String> checkReady() {
    if (closed.get()) {
      return Optional.of("the history store " + db + " is closed");
    }
    Optional<String> writing = writer.checkReady();
    if (writing.isPresent()) {
      return writing;
    }
    return reader.ping() ? Optional.empty() : Optional.of("the history store " + db + " cannot be read");
  }

  /** Why the store's last write (or recovery) failed, without checking again; empty when healthy. */
  String lastProblem() {
    return writer.lastProblem();
  }

  /** Test seam: caps the database at {@code pages} pages, as a full disk would (0 = no cap). */
  void maxPages(long pages) {
    writer.maxPages(pages);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      writer.close();
      reader.close();
      lock.close();
      log.info("history store {} closed at lastId={}", db, writer.lastId());
    }
  }
}
