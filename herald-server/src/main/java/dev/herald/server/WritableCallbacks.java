package dev.herald.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SseStream#onWritable} callbacks of one stream waiting for it to drain. Each
 * callback is taken from the queue by exactly one {@link #fire} and run on a callback thread (never
 * queued behind blocked handlers), or dropped by {@link #clear}; the stream's callbacks run one at
 * a time, in registration order, through one {@link SerialLane}. Thread-safe; the queue is lock-free.
 */
final class WritableCallbacks {
  private static final Logger log = LoggerFactory.getLogger(WritableCallbacks.class);

  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final SerialLane lane;
  private final BooleanSupplier closed;
  private final Object owner;

  /** {@code closed} tells whether the stream has closed (then a callback no longer runs). */
  WritableCallbacks(ServerContext server, BooleanSupplier closed, Object owner) {
    this.lane = server.callbackLane();
    this.closed = closed;
    this.owner = owner;
  }

  void add(Runnable callback) {
    waiting.add(callback);
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  int size() {
    return waiting.size();
  }

  /** Drops every waiting callback unrun. */
  void clear() {
    waiting.clear();
  }

  /** Takes every waiting callback and hands them, in registration order, to the stream's lane. */
  void fire() {
    List<Runnable> ready = new ArrayList<>(1);
    Runnable r;
    while ((r = waiting.poll()) != null) {
      ready.add(r);
    }
    if (!ready.isEmpty()) {
      lane.execute(() -> ready.forEach(this::run));
    }
  }

  private void run(Runnable callback) {
    if (closed.getAsBoolean()) {
      return;
    }
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("onWritable callback of {} failed", owner, e);
    }
  }
}
