package dev.herald.hub;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Retention for the SQLite history: removes the oldest events beyond {@code maxEvents} or older
 * than {@code maxAge}, and idempotency keys older than the window, at most
 * {@value #CHUNK} of each per call so a trim never stalls appends for long. Stateless; runs on
 * the writer thread inside the writer's transaction (the caller commits).
 */
final class SqliteRetention {
  static final int CHUNK = 2_000;

  private SqliteRetention() {}

  /** What one call did: the new trimmed-through id and whether more is left to remove. */
  static final class Chunk {
    final long trimmedThrough;
    final boolean more;

    Chunk(long trimmedThrough, boolean more) {
      this.trimmedThrough = trimmedThrough;
      this.more = more;
    }
  }

  /**
   * Deletes one chunk. Event times never decrease with ids (the writer stamps them so), hence
   * the events to drop by age are a prefix of the id order, like those to drop by count.
   */
  static Chunk trimChunk(Connection c, HistoryStore.Limits limits, long nowMillis, long lastId, long trimmedThrough)
      throws SQLException {
    int keysDeleted = SqliteSql.update(c, "DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency"
        + " ORDER BY rowid LIMIT " + CHUNK + ") AND time_ms < ?", Stores.cutoff(nowMillis, limits.idempotencyWindow));
    boolean moreKeys = keysDeleted == CHUNK;
    long first = SqliteSql.singleLong(c, "SELECT coalesce(min(id), 0) FROM events");
    if (first == 0) {
      return new Chunk(trimmedThrough, moreKeys);
    }
    long byCount = lastId - limits.maxEvents;
    long byAge = SqliteSql.singleLong(c, "SELECT coalesce(max(id), 0) FROM (SELECT id, time_ms FROM events"
        + " ORDER BY id LIMIT " + CHUNK + ") WHERE time_ms < ?", Stores.cutoff(nowMillis, limits.maxAge));
    long target = Math.max(byCount, byAge);
    long upTo = Math.min(target, first + CHUNK - 1);
    if (upTo < first) {
      return new Chunk(trimmedThrough, moreKeys);
    }
    SqliteSql.update(c, "DELETE FROM event_topics WHERE event_id <= ?", upTo);
    SqliteSql.update(c, "DELETE FROM events WHERE id <= ?", upTo);
    long through = Math.max(trimmedThrough, upTo);
    SqliteSql.update(c, "UPDATE meta SET value = ? WHERE key = '" + SqliteSchema.TRIMMED_THROUGH + "'", through);
    // by age, the next chunk may hold more old events: look again when this one was all old
    return new Chunk(through, moreKeys || target > upTo || byAge == first + CHUNK - 1);
  }
}
