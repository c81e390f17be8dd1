package dev.herald.hub;

import dev.herald.server.SseStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a subscriber's stream when its token expires ({@link Access#expiresAt()}), so that a
 * token stops granting access at its {@code exp} and not at the end of a long-lived stream; the
 * client reconnects with a fresh token. Time comes from a {@link Clock} and waiting from a
 * {@link Timer}, both injectable, so tests move time by hand. When the timer fires the clock is
 * asked again, and a timer that fired early (its clock and the hub's disagree) is set again for
 * the rest: a stream is never closed before its token's expiry by the hub's clock.
 *
 * <p>Threading: thread-safe; streams are closed on the timer's thread.
 */
final class TokenExpiry implements AutoCloseable {
  /** Runs tasks after a delay. Implementations must be thread-safe. */
  interface Timer {
    /** Runs {@code task} once after {@code delay}; the returned action cancels it if it has not run. */
    Runnable schedule(Duration delay, Runnable task);

    /** Stops the timer; tasks not yet run are dropped. */
    default void close() {}
  }

  private final Clock clock;
  private final Timer timer;
  private final Runnable onExpired;

  /** {@code onExpired} runs once for each stream closed here (a metric). */
  TokenExpiry(Clock clock, Timer timer, Runnable onExpired) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.timer = Objects.requireNonNull(timer, "timer == null");
    this.onExpired = Objects.requireNonNull(onExpired, "onExpired == null");
  }

  /** A timer on one daemon thread named {@code name}. */
  static Timer daemonTimer(String name) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true); // a closed stream's task does not linger until its expiry
    return new Timer() {
      @Override
      public Runnable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(task, Stores.millis(delay), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      }

      @Override
      public void close() {
        executor.shutdownNow();
      }
    };
  }

  /** Whether a token expiring at {@code expiresAt} has expired by now. */
  boolean hasExpired(Instant expiresAt) {
    return !clock.instant().isBefore(expiresAt);
  }

  /**
   * Closes {@code stream} when {@code expiresAt} comes (at once if it has); a stream that closes
   * first cancels the wait.
   */
  void watch(SseStream stream, Instant expiresAt) {
    Objects.requireNonNull(stream, "stream == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
    Instant now = clock.instant();
    if (!now.isBefore(expiresAt)) {
      if (stream.isOpen()) {
        stream.close();
        onExpired.run();
      }
      return;
    }
    Runnable cancel = timer.schedule(Duration.between(now, expiresAt), () -> {
      if (stream.isOpen()) {
        watch(stream, expiresAt);
      }
    });
    stream.onClose(reason -> cancel.run());
  }

  /** Stops the timer; streams still open stay open (the hub is closing them anyway). */
  @Override
  public void close() {
    timer.close();
  }
}
