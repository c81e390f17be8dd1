package dev.herald.client;

import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Where a source waits on time: its monotonic clock, the wall clock (for {@code Retry-After}
 * dates), and the timer that runs timeout checks and reconnects. {@link #SYSTEM} is the real one,
 * on {@link Shared#TIMER}; tests inject a manual one to assert the delay a policy chose and to
 * fire timeouts without waiting.
 */
interface Timing {
  /** The real clocks and the shared timer thread. */
  Timing SYSTEM = new Timing() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Instant now() {
      return Instant.now();
    }

    @Override
    public Future<?> timeout(Runnable task, long delayNanos) {
      return Shared.TIMER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public Future<?> reconnect(Runnable task, long delayNanos) {
      return Shared.TIMER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
  };

  /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The wall-clock time. */
  Instant now();

  /** Runs a connect or read timeout check after {@code delayNanos}; may throw if the timer is shut down. */
  Future<?> timeout(Runnable task, long delayNanos);

  /** Runs a reconnect after {@code delayNanos}, the delay the policy (or {@code Retry-After}) chose. */
  Future<?> reconnect(Runnable task, long delayNanos);
}
