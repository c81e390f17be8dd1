package dev.herald.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock the test moves by hand. Like a real clock, every read is a little later than the one
 * before (one nanosecond), so code that compares a time it read earlier with one it reads now
 * sees time pass between a sweep and the write it causes, as it would in production.
 */
final class FakeTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Override
  public long nanoTime() {
    return now.incrementAndGet();
  }

  /** Moves the clock forward by {@code d}. */
  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** Moves the clock forward to {@code nanos}, which must not be in its past. */
  void advanceTo(long nanos) {
    long before = now.getAndUpdate(n -> Math.max(n, nanos));
    if (before > nanos) {
      throw new IllegalArgumentException("the clock is past " + nanos + " already: " + before);
    }
  }

  /** The current time, without counting as a read. */
  long peek() {
    return now.get();
  }
}
