package dev.herald.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Timing} whose clocks move only when the test calls {@link #advance}: timeout checks
 * run then (on the test's thread) if due; reconnects are recorded with the delay the source chose
 * and run when the test says so. Thread-safe.
 */
final class ManualTiming implements Timing {
  /** A scheduled task with the delay it was scheduled for. */
  static final class Task extends FutureTask<Void> {
    final long due;
    final Duration delay;

    Task(Runnable task, long due, long delayNanos) {
      super(task, null);
      this.due = due;
      this.delay = Duration.ofNanos(delayNanos);
    }
  }

  private static final Instant EPOCH = Instant.parse("2026-12-01T19:00:00Z");
  private final Object lock = new Object();
  private long now = 1_000_000_000L; // guarded by lock
  private final List<Task> timeouts = new ArrayList<>(); // guarded by lock
  private final BlockingQueue<Task> reconnects = new LinkedBlockingQueue<>();

  @Override
  public long nanoTime() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public Instant now() {
    synchronized (lock) {
      return EPOCH.plusNanos(now);
    }
  }

  @Override
  public Future<?> timeout(Runnable task, long delayNanos) {
    synchronized (lock) {
      Task t = new Task(task, now + delayNanos, delayNanos);
      timeouts.add(t);
      return t;
    }
  }

  @Override
  public Future<?> reconnect(Runnable task, long delayNanos) {
    Task t;
    synchronized (lock) {
      t = new Task(task, now + delayNanos, delayNanos);
    }
    reconnects.add(t);
    return t;
  }

  /** Moves both clocks by {@code duration} and runs every timeout check that is then due, earliest first. */
  void advance(Duration duration) {
    synchronized (lock) {
      now += duration.toNanos();
    }
    while (true) {
      Task due = null;
      synchronized (lock) {
        timeouts.removeIf(Future::isDone);
        for (Task t : timeouts) {
          if (t.due <= now && (due == null || t.due < due.due)) {
            due = t;
          }
        }
        if (due == null) {
          return;
        }
        timeouts.remove(due);
      }
      due.run();
    }
  }

  /** Timeout checks scheduled and neither run nor cancelled. */
  int pendingTimeouts() {
    synchronized (lock) {
      timeouts.removeIf(Future::isDone);
      return timeouts.size();
    }
  }

  /** The next reconnect the source scheduled, waiting up to 30 s for it to be scheduled. */
  Task nextReconnect() throws InterruptedException {
    Task t = reconnects.poll(30, TimeUnit.SECONDS);
    if (t == null) {
      throw new AssertionError("no reconnect scheduled within 30 s");
    }
    return t;
  }

  /** The reconnects scheduled and not taken by {@link #nextReconnect()} yet. */
  int scheduledReconnects() {
    return reconnects.size();
  }
}
