package dev.herald.redis;

import dev.herald.hub.AppendResult;
import dev.herald.hub.StoreUnavailableException;
import dev.herald.hub.StoredEvent;
import dev.herald.hub.TopicSelector;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The reads of a {@link RedisHistoryStore}, on its command connection: replay ({@code XRANGE}
 * after a position, filtered by topic), id look-ups, the last and trimmed positions, and the
 * persistence setting, and a repeated key's first result. Failures throw
 * {@link StoreUnavailableException}.
 * Thread-safe.
 */
final class RedisReads {
  private static final int READ_PAGE = 500;

  private final StatefulRedisConnection<String, String> connection;
  private final RedisAppendScript.Keys keys;
  private final String where;

  RedisReads(StatefulRedisConnection<String, String> connection, RedisAppendScript.Keys keys, String where) {
    this.connection = connection;
    this.keys = keys;
    this.where = where;
  }

  List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    List<StoredEvent> out = new ArrayList<>();
    if (selectors.isEmpty() || limit <= 0) {
      return out;
    }
    long cursor = Math.max(afterId, 0);
    RedisCommands<String, String> sync = connection.sync();
    try {
      while (out.size() < limit) {
        int page = Math.max(READ_PAGE, limit - out.size());
        List<StreamMessage<String, String>> messages = sync.xrange(keys.stream(),
            Range.create(RedisIds.id(cursor + 1), "+"), Limit.from(page));
        for (StreamMessage<String, String> m : messages) {
          StoredEvent e = RedisEntries.read(m.getId(), m.getBody());
          cursor = e.id();
          if (e.matchesAny(selectors)) {
            out.add(e);
            if (out.size() == limit) {
              break;
            }
          }
        }
        if (messages.size() < page) {
          break;
        }
      }
    } catch (RuntimeException e) {
      throw unavailable(where, "read", e);
    }
    return out;
  }

  /**
   * A publisher-chosen id held by a retained entry, else an entry id {@code <ms>-<seq>} as its
   * position (whether or not the entry is still kept: the hub then tells a trimmed one, or one
   * beyond the last, by the position).
   */
  OptionalLong positionOf(String wireId) {
    try {
      RedisCommands<String, String> sync = connection.sync();
      String held = sync.get(keys.customId(wireId));
      if (held != null) {
        long p = RedisIds.positionOf(held);
        if (p > info(sync).trimmed) {
          return OptionalLong.of(p);
        }
      }
    } catch (RuntimeException e) {
      throw unavailable(where, "look-up", e);
    }
    return RedisIds.position(wireId);
  }

  long lastId() {
    try {
      return info(connection.sync()).last;
    } catch (RuntimeException e) {
      throw unavailable(where, "read", e);
    }
  }

  long trimmedThrough() {
    try {
      String top = connection.sync().get(keys.trimmed());
      return top == null ? 0 : RedisIds.position(top).orElse(0);
    } catch (RuntimeException e) {
      throw unavailable(where, "read", e);
    }
  }

  /** The stream's last generated and highest deleted entry, as positions (0 for none or no stream). */
  private Info info(RedisCommands<String, String> sync) {
    String top = sync.get(keys.trimmed());
    long trimmed = top == null ? 0 : RedisIds.position(top).orElse(0);
    if (sync.exists(keys.stream()) == 0) {
      return new Info(0, trimmed);
    }
    List<Object> raw = sync.xinfoStream(keys.stream());
    long last = 0;
    for (int i = 0; i + 1 < raw.size(); i += 2) {
      if (String.valueOf(raw.get(i)).equals("last-generated-id")) {
        last = RedisIds.position(String.valueOf(raw.get(i + 1))).orElse(0);
      }
    }
    return new Info(last, trimmed);
  }

  private static final class Info {
    final long last;
    final long trimmed;

    Info(long last, long trimmed) {
      this.last = last;
      this.trimmed = trimmed;
    }
  }

  /**
   * Redis's persistence setting and what an acknowledged publish survives with it, from
   * {@code CONFIG GET appendonly} and {@code appendfsync}.
   */
  Optional<String> durability() {
    try {
      Map<String, String> c = connection.sync().configGet("appendonly", "appendfsync");
      String aof = c.getOrDefault("appendonly", "?");
      String fsync = c.getOrDefault("appendfsync", "?");
      String means;
      if (aof.equals("yes") && fsync.equals("always")) {
        means = "an acknowledged publish survives a Redis crash";
      } else if (aof.equals("yes")) {
        means = "an acknowledged publish survives a hub crash; a Redis crash may lose about the last second";
      } else {
        means = "an acknowledged publish survives a hub crash but not a Redis crash or restart (no AOF)";
      }
      return Optional.of("Redis " + where + " appendonly=" + aof + " appendfsync=" + fsync + ": " + means);
    } catch (RuntimeException e) {
      return Optional.of("Redis " + where + " persistence unknown (CONFIG GET refused: " + rootMessage(e) + ")");
    }
  }

  /** The result of a repeated key: the first append's ids, and those of its entries still kept. */
  @SuppressWarnings("unchecked")
  CompletableFuture<AppendResult> repeat(String record) {
    Map<String, Object> rec = RedisEntries.object(record);
    List<String> entryIds = (List<String>) rec.get("ids");
    List<String> wireIds = (List<String>) rec.get("w");
    List<Long> positions = new ArrayList<>();
    entryIds.forEach(id -> positions.add(RedisIds.positionOf(id)));
    Set<String> wanted = new HashSet<>(entryIds);
    String hash = String.valueOf(rec.getOrDefault("h", ""));
    return connection.async().xrange(keys.stream(), Range.create(entryIds.get(0), entryIds.get(entryIds.size() - 1)))
        .toCompletableFuture().thenApply(messages -> {
          List<StoredEvent> retained = new ArrayList<>();
          for (StreamMessage<String, String> m : messages) {
            if (wanted.contains(m.getId())) {
              retained.add(RedisEntries.read(m.getId(), m.getBody()));
            }
          }
          return AppendResult.repeat(positions, wireIds, retained, hash);
        });
  }

  /**
   * A failed append: known not stored when Redis refused the script or Lettuce refused to send it
   * (not connected); otherwise (a command timeout, a connection lost in flight) Redis may have run
   * it, or may still run it (a paused Redis runs what it received once it continues).
   */
  static StoreUnavailableException appendFailed(String where, Throwable e) {
    boolean notSent = e instanceof RedisException && String.valueOf(e.getMessage()).startsWith("Currently not connected");
    boolean mayBeStored = !(e instanceof RedisCommandExecutionException) && !notSent;
    StoreUnavailableException u = unavailable(where, "append", e);
    return mayBeStored ? new StoreUnavailableException(u.getMessage(), e, true) : u;
  }

  /** {@code e} as the store's failure to do {@code what} at {@code where} (never naming a password). */
  static StoreUnavailableException unavailable(String where, String what, Throwable e) {
    if (e instanceof StoreUnavailableException) {
      return (StoreUnavailableException) e;
    }
    return new StoreUnavailableException("the history store is unavailable: Redis " + what + " at " + where
        + " failed: " + rootMessage(e), e);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
