package dev.herald.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A {@link TokenExpiry.Timer} driven by a {@link TestClock}: a task is due {@code delay} after the
 * clock's time when it was scheduled, and runs (on the test's thread) when {@link #advance} moves
 * the clock past it. Thread-safe.
 */
final class ManualTimer implements TokenExpiry.Timer {
  private final TestClock clock;
  private final List<Task> tasks = new ArrayList<>(); // guarded by this

  private static final class Task {
    final long dueMillis;
    final Runnable run;
    volatile boolean cancelled;

    Task(long dueMillis, Runnable run) {
      this.dueMillis = dueMillis;
      this.run = run;
    }
  }

  ManualTimer(TestClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Runnable schedule(Duration delay, Runnable run) {
    Task task = new Task(clock.millis() + delay.toMillis(), run);
    tasks.add(task);
    return () -> task.cancelled = true;
  }

  /** Moves the clock by {@code d} and runs the tasks then due, in due order. */
  void advance(Duration d) {
    clock.advance(d);
    runWhere(false);
  }

  /** Runs every task now, due or not: a timer that fires early (its clock runs ahead of the hub's). */
  void fireAllEarly() {
    runWhere(true);
  }

  private void runWhere(boolean all) {
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Task> it = tasks.iterator(); it.hasNext(); ) {
        Task t = it.next();
        if (t.cancelled) {
          it.remove();
        } else if (all || t.dueMillis <= clock.millis()) {
          it.remove();
          due.add(t);
        }
      }
    }
    due.sort((a, b) -> Long.compare(a.dueMillis, b.dueMillis));
    due.forEach(t -> t.run.run());
  }

  /** Tasks scheduled and neither run nor cancelled. */
  synchronized int pending() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }
}
