package dev.herald.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive hold of one hub on its data directory: an OS file lock on
 * {@code dataDirectory/herald.lock}, taken when the store opens and released when it closes.
 * The OS releases it also when the process dies ({@code kill -9}), so a stale lock file never
 * blocks a restart. The file itself stays; only the lock on it matters.
 *
 * <p>Why: two writers on one database would hand out the same ids, and each would take the
 * other's acknowledged events for its own unacknowledged ones. Thread-safe.
 */
final class DataDirectoryLock implements AutoCloseable {
  static final String FILE_NAME = "herald.lock";
  /** Start of the message when another hub (or store) holds the directory. */
  static final String HELD = "is in use by another hub";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} (which must exist) or throws {@link StoreUnavailableException}: saying the
   * directory {@value #HELD} when another process, or another store of this process, holds it.
   */
  static DataDirectoryLock acquire(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException("cannot open the lock file " + file + ": " + e, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another store of this JVM
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw new StoreUnavailableException("cannot lock " + file + ": " + e, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new StoreUnavailableException("the data directory " + dir + " " + HELD + " (it holds the lock on "
          + file + "); one data directory belongs to one hub");
    }
    return new DataDirectoryLock(file, channel, lock);
  }

  /** The lock file. */
  Path file() {
    return file;
  }

  /** Releases the lock; idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // closing the channel below releases it anyway
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
