package dev.herald.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The id high-water file {@code herald.ids} beside {@code herald.db}: the highest id this data
 * directory may have handed out, reserved in blocks of {@value #BLOCK} so it is written (write,
 * fsync, atomic rename, fsync of the directory) once per block, not per publish; and a random
 * store id naming this history. The database records both as it last ran under them
 * ({@code meta.reserved_through}, {@code meta.store_id}); when they differ from the file's, the
 * database is not the one the ids were handed out from (deleted, replaced, restored from an older
 * copy) and its ids continue after the file's reservation, so an id a client may have seen is
 * never reused. After a clean stop the file also holds the last id then ({@code closed_at}), and
 * a database ending elsewhere (a copy taken while the hub ran) is not the one either. File format:
 * {@code reserved_through=<id>}, {@code store_id=<n>} and, after a clean stop, {@code closed_at=<id>} lines.
 *
 * <p>Threading: not thread-safe; used at open and then by the writer thread alone.
 */
final class SqliteIdReservation {
  private static final Logger log = LoggerFactory.getLogger(SqliteIdReservation.class);
  static final String FILE_NAME = "herald.ids";
  static final long BLOCK = 100_000;

  private final Path file;
  private final boolean existed;
  private long storeId;
  private long reservedThrough;
  private final OptionalLong closedAt; // the last id of a clean stop; empty after a crash

  private SqliteIdReservation(Path file, boolean existed, long storeId, long reservedThrough, OptionalLong closedAt) {
    this.file = file;
    this.existed = existed;
    this.storeId = storeId;
    this.reservedThrough = reservedThrough;
    this.closedAt = closedAt;
  }

  /** Reads {@code directory/herald.ids} (absent: nothing reserved); fails naming the file if it is damaged. */
  static SqliteIdReservation read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return new SqliteIdReservation(file, false, 0, 0, OptionalLong.empty());
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot read the id high-water file " + file + ": " + e, e);
    }
    long reserved = -1;
    long store = 0;
    OptionalLong closed = OptionalLong.empty();
    try {
      for (String line : text.split("\n")) {
        if (line.startsWith("reserved_through=")) {
          reserved = Long.parseLong(line.substring("reserved_through=".length()).trim());
        } else if (line.startsWith("store_id=")) {
          store = Long.parseLong(line.substring("store_id=".length()).trim());
        } else if (line.startsWith("closed_at=")) {
          closed = OptionalLong.of(Long.parseLong(line.substring("closed_at=".length()).trim()));
        }
      }
    } catch (NumberFormatException e) {
      reserved = -1;
    }
    if (reserved < 0 || store == 0) {
      throw new StoreUnavailableException("the id high-water file " + file + " is damaged (it must hold"
          + " reserved_through=<id> and store_id=<n>); restore it, or remove it only together with herald.db");
    }
    return new SqliteIdReservation(file, true, store, reserved, closed);
  }

  /** Whether the file existed when read. */
  boolean existed() {
    return existed;
  }

  /** The id of the history this directory holds; 0 until the first {@link #write}. */
  long storeId() {
    return storeId;
  }

  /** Where a database just opened continues: its last id and trimmed-through id. */
  static final class Start {
    final long lastId;
    final long trimmedThrough;

    Start(long lastId, long trimmedThrough) {
      this.lastId = lastId;
      this.trimmedThrough = trimmedThrough;
    }
  }

  /**
   * Decides where the ids of {@code session}'s database continue — after its own last id, or
   * after this file's reservation when the database is not the one those ids were handed out
   * from (everything before is then reported trimmed) — reserves the next block and records it,
   * the store id and the start in the database (committed).
   */
  Start begin(Path db, SqliteWriteSession session) throws SQLException, IOException {
    Connection c = session.conn;
    long last = SqliteSchema.lastId(c);
    long trimmed = SqliteSchema.meta(c, SqliteSchema.TRIMMED_THROUGH);
    long dbReserved = SqliteSchema.meta(c, SqliteSchema.RESERVED_THROUGH, OptionalLong.of(0));
    long dbStore = SqliteSchema.meta(c, SqliteSchema.STORE_ID, OptionalLong.of(0));
    long fileReserved = reservedThrough;
    // after a clean stop the database must end where the hub stopped (a copy taken while it ran
    // has the same store and block, and would continue at ids already handed out), and then its
    // reservation need not match (one renewed after a failed write is recorded only at a commit)
    boolean genuine = !existed || (storeId == dbStore
        && (closedAt.isPresent() ? closedAt.getAsLong() == last : fileReserved == dbReserved));
    if (!genuine && fileReserved > last) {
      log.warn("history store {} is not the database the ids of this directory were handed out from ({} reserves"
          + " ids through {}, the database knows ids through {}): ids continue after {}, and a client resuming"
          + " from an earlier id is told events may be missing", db, file, fileReserved, last, fileReserved);
      last = fileReserved;
      trimmed = Math.max(trimmed, fileReserved);
    }
    long store = existed ? storeId : dbStore != 0 ? dbStore : newStoreId();
    write(store, Math.max(Math.addExact(last, BLOCK), Math.max(dbReserved, fileReserved)));
    session.putMeta(SqliteSchema.STORE_ID, store);
    session.putMeta(SqliteSchema.HIGH_WATER, last);
    session.putMeta(SqliteSchema.TRIMMED_THROUGH, trimmed);
    session.putMeta(SqliteSchema.RESERVED_THROUGH, reservedThrough);
    c.commit();
    return new Start(last, trimmed);
  }

  private static long newStoreId() {
    SecureRandom random = new SecureRandom();
    long id;
    do {
      id = random.nextLong() & Long.MAX_VALUE;
    } while (id == 0);
    return id;
  }

  /** The highest id reserved so far (0 if none). */
  long reservedThrough() {
    return reservedThrough;
  }

  Path file() {
    return file;
  }

  /**
   * Makes sure ids through {@code lastId} are reserved; if not, durably reserves through
   * {@code lastId + BLOCK} and returns true (the caller records the new value in the database in
   * the same transaction as the ids).
   */
  boolean cover(long lastId) throws IOException {
    if (lastId <= reservedThrough) {
      return false;
    }
    write(storeId, Math.addExact(lastId, BLOCK));
    return true;
  }

  /**
   * Records a clean stop at {@code lastId} (-1: the database was lost), which the next start
   * requires the database to end at; any later write (the next start's) drops it again.
   */
  void closed(long lastId) throws IOException {
    write(storeId, reservedThrough, "closed_at=" + lastId + "\n");
  }

  /** Writes {@code store} and {@code value} durably: a temporary file, fsync, atomic rename, fsync of the directory. */
  void write(long store, long value) throws IOException {
    write(store, value, "");
  }

  private void write(long store, long value, String extra) throws IOException {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    byte[] bytes = ("reserved_through=" + value + "\nstore_id=" + store + "\n" + extra).getBytes(StandardCharsets.US_ASCII);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // some platforms cannot open a directory; the rename is then as durable as they make it
    }
    storeId = store;
    reservedThrough = value;
  }
}
