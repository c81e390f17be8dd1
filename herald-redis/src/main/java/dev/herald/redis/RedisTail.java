package dev.herald.redis;

import dev.herald.hub.StoredEvent;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tailing loop of one node, on its own connection: reads the entries after the last one it
 * delivered together with the stream's trimmed mark in one script ({@link #READ}, atomic), and
 * when there are none waits with {@code XREAD BLOCK}; hands every node's appends to the listener
 * in stream order; an append of this node is confirmed ({@link #whenDelivered}) only once its
 * last entry has been through the listener. If the trimmed mark is past the last delivered entry,
 * retention removed entries this node never read (it fell behind, e.g. frozen): the gap listener
 * hears of it before the next batch, so the hub says {@code herald-gap} rather than skip
 * silently. When Redis is unreachable it retries, resuming from the last delivered entry, so
 * nothing is skipped or repeated after recovery. One daemon thread.
 */
final class RedisTail implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(RedisTail.class);
  static final int COUNT = 1_000;

  /**
   * KEYS: the stream, the trimmed key. ARGV: the last delivered entry id, the count. Answers the
   * trimmed mark ("" for none) and the entries after the id, read at one instant: an entry
   * missing between the id and the first answered one was trimmed, and then the mark is past the id.
   */
  static final String READ = String.join("\n",
      "local trimmed = redis.call('GET', KEYS[2]) or ''",
      "local entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))",
      "return {trimmed, entries}");

  private final StatefulRedisConnection<String, String> connection;
  private final String stream;
  private final String trimmedKey;
  private final long blockMillis;
  private final Object lock = new Object();
  private final NavigableMap<Long, List<Runnable>> waiting = new TreeMap<>();
  private final Thread thread;
  private volatile Consumer<List<StoredEvent>> listener = batch -> { };
  private volatile LongConsumer gapListener = through -> { };
  private volatile boolean closed;
  private volatile boolean healthy = true;
  private long delivered; // guarded by lock

  RedisTail(StatefulRedisConnection<String, String> connection, String stream, String trimmedKey, long startAfter,
      long blockMillis) {
    this.connection = connection;
    this.stream = stream;
    this.trimmedKey = trimmedKey;
    this.delivered = startAfter;
    this.blockMillis = blockMillis;
    this.thread = new Thread(this, "herald-redis-tail");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void listener(Consumer<List<StoredEvent>> listener) {
    this.listener = listener;
  }

  void gapListener(LongConsumer gapListener) {
    this.gapListener = gapListener;
  }

  /** Whether the last read succeeded. */
  boolean healthy() {
    return healthy;
  }

  /** The position of the last entry the listener was given. */
  long delivered() {
    synchronized (lock) {
      return delivered;
    }
  }

  /** Runs {@code action} once the listener has seen {@code position} (at once if it has). */
  void whenDelivered(long position, Runnable action) {
    synchronized (lock) {
      if (delivered < position) {
        waiting.computeIfAbsent(position, p -> new ArrayList<>()).add(action);
        return;
      }
    }
    action.run();
  }

  @Override
  public void run() {
    long backoff = 50;
    while (!closed) {
      List<Object> messages;
      long trimmed;
      try {
        String after = RedisIds.id(delivered());
        List<Object> reply = connection.sync().eval(READ, ScriptOutputType.MULTI, new String[] {stream, trimmedKey},
            after, Integer.toString(COUNT));
        trimmed = reply.get(0) == null || reply.get(0).toString().isEmpty() ? 0
            : RedisIds.position(reply.get(0).toString()).orElse(0);
        messages = list(reply.get(1));
        if (messages.isEmpty()) { // nothing new: wait for an append (read by the next script)
          connection.sync().xread(XReadArgs.Builder.block(blockMillis).count(1), XReadArgs.StreamOffset.from(stream, after));
        }
        if (!healthy) {
          log.info("Redis is reachable again; tailing resumes after entry {}", RedisIds.id(delivered()));
        }
        healthy = true;
        backoff = 50;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        if (healthy) {
          log.warn("Tailing the Redis stream failed ({}); retrying, resuming after entry {}", e.toString(),
              RedisIds.id(delivered()));
        }
        healthy = false;
        pause(backoff);
        backoff = Math.min(backoff * 2, 1_000);
        continue;
      }
      if (messages.isEmpty()) {
        continue;
      }
      List<StoredEvent> batch = new ArrayList<>(messages.size());
      String lastEntry = null;
      for (Object m : messages) {
        List<Object> entry = list(m);
        lastEntry = String.valueOf(entry.get(0));
        try {
          batch.add(RedisEntries.read(lastEntry, fields(list(entry.get(1)))));
        } catch (RuntimeException e) {
          log.warn("Skipping unreadable stream entry {}: {}", lastEntry, e.toString());
        }
      }
      long last = RedisIds.positionOf(lastEntry);
      long before = delivered();
      if (trimmed > before) {
        log.warn("This node fell behind the stream's retention: entries after {} through {} were trimmed before it "
            + "read them", RedisIds.id(before), RedisIds.id(trimmed));
        try {
          gapListener.accept(trimmed);
        } catch (RuntimeException e) {
          log.warn("The gap listener failed", e);
        }
      }
      if (!batch.isEmpty()) {
        try {
          listener.accept(batch);
        } catch (RuntimeException e) {
          log.warn("The appended-events listener failed", e);
        }
      }
      advance(last);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  private static Map<String, String> fields(List<Object> flat) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      m.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    }
    return m;
  }

  private void advance(long last) {
    List<Runnable> due = new ArrayList<>();
    synchronized (lock) {
      delivered = last;
      NavigableMap<Long, List<Runnable>> head = waiting.headMap(last, true);
      head.values().forEach(due::addAll);
      head.clear();
    }
    due.forEach(Runnable::run);
  }

  private void pause(long millis) {
    synchronized (lock) {
      try {
        if (!closed) {
          lock.wait(millis); // woken early by close()
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  /** Stops the loop (closing the connection ends a blocked read) and waits for the thread. */
  void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    connection.close();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** For diagnostics: how many confirmations wait. */
  int waiting() {
    synchronized (lock) {
      return waiting.values().stream().mapToInt(List::size).sum();
    }
  }
}
