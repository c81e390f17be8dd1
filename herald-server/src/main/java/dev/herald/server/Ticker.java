package dev.herald.server;

import java.util.concurrent.TimeUnit;

/**
 * Where the server reads time for heartbeats and request timeouts: {@link #SYSTEM} in
 * production; tests inject one they advance by hand (and then run the sweeps themselves, see
 * {@link HeraldServer#sweepNow()}), so no verdict depends on the wall clock.
 */
interface Ticker {
  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** The shortest time between two sweeps of one event loop. */
  long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** The longest time between two sweeps of one event loop. */
  long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /**
   * The sweep period for a deadline of {@code nanos}: a tenth of it, at least 10 ms and at most
   * 1 s, so a deadline is noticed within that much of when it passes.
   */
  static long sweepPeriod(long nanos) {
    return Math.min(Math.max(nanos / 10, MIN_SWEEP_NANOS), MAX_SWEEP_NANOS);
  }
}
