package dev.herald.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What waits for one stream to drain: its {@link SseStream#onWritable} callbacks and the threads
 * blocked in {@link SseStream#awaitWritable}. Each callback is taken from the queue by exactly
 * one {@link #fire} and run on a callback thread (never queued behind blocked handlers), or
 * dropped by {@link #clear}; the stream's callbacks run one at a time, in registration order,
 * through one {@link SerialLane}. Callbacks are lock-free; blocked threads wait on a monitor that
 * the stream's event loop takes only when a thread is blocked ({@link #wakeBlocked}). Thread-safe.
 */
final class WritableCallbacks {
  private static final Logger log = LoggerFactory.getLogger(WritableCallbacks.class);

  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final SerialLane lane;
  private final BooleanSupplier closed;
  private final Object owner;
  private static final Duration MAX_WAIT = Duration.ofDays(365);

  private final Object monitor = new Object();
  private final AtomicInteger blocked = new AtomicInteger();

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

  /**
   * Blocks the calling thread until {@code ready} holds, re-checking it at each
   * {@link #wakeBlocked}, for at most {@code timeout} (none if zero or negative, a year if more);
   * returns the last answer of {@code ready}. The waker changes the state {@code ready} reads before it calls
   * {@link #wakeBlocked}, and this counts itself blocked before it reads: so either it sees the
   * new state or the waker sees it blocked, and no wake-up is lost.
   */
  boolean await(BooleanSupplier ready, Duration timeout) throws InterruptedException {
    if (ready.getAsBoolean()) {
      return true;
    }
    long nanos = timeout.isNegative() ? 0 : timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT.toNanos() : timeout.toNanos();
    blocked.incrementAndGet();
    try {
      long deadline = System.nanoTime() + nanos;
      synchronized (monitor) {
        while (!ready.getAsBoolean()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
        return true;
      }
    } finally {
      blocked.decrementAndGet();
    }
  }

  /** Wakes the threads blocked in {@link #await} so they re-check; cheap when none are. */
  void wakeBlocked() {
    if (blocked.get() > 0) {
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }
  }
}
