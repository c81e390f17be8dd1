package dev.herald.redis;

import dev.herald.hub.StoredEvent;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tailing loop of one node: {@code XREAD BLOCK} on its own connection from the last entry it
 * delivered, handing every node's appends to the listener in stream order; an append of this
 * node is confirmed ({@link #whenDelivered}) only once its last entry has been through the
 * listener. When Redis is unreachable it retries, resuming from the last delivered entry, so
 * nothing is skipped or repeated after recovery. One daemon thread.
 */
final class RedisTail implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(RedisTail.class);
  static final int COUNT = 1_000;

  private final StatefulRedisConnection<String, String> connection;
  private final String stream;
  private final long blockMillis;
  private final Object lock = new Object();
  private final NavigableMap<Long, List<Runnable>> waiting = new TreeMap<>();
  private final Thread thread;
  private volatile Consumer<List<StoredEvent>> listener = batch -> { };
  private volatile boolean closed;
  private volatile boolean healthy = true;
  private long delivered; // guarded by lock

  RedisTail(StatefulRedisConnection<String, String> connection, String stream, long startAfter, long blockMillis) {
    this.connection = connection;
    this.stream = stream;
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
      List<StreamMessage<String, String>> messages;
      try {
        messages = connection.sync().xread(XReadArgs.Builder.block(blockMillis).count(COUNT),
            XReadArgs.StreamOffset.from(stream, RedisIds.id(delivered())));
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
      if (messages == null || messages.isEmpty()) {
        continue;
      }
      List<StoredEvent> batch = new ArrayList<>(messages.size());
      for (StreamMessage<String, String> m : messages) {
        try {
          batch.add(RedisEntries.read(m.getId(), m.getBody()));
        } catch (RuntimeException e) {
          log.warn("Skipping unreadable stream entry {}: {}", m.getId(), e.toString());
        }
      }
      long last = RedisIds.positionOf(messages.get(messages.size() - 1).getId());
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
