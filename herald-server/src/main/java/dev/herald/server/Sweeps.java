package dev.herald.server;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.ToIntFunction;

/**
 * The two per-event-loop sweeps of one server, heartbeats and request timeouts: scheduled on the
 * wall clock in production, run by hand ({@link #runNow()}) by tests that inject a {@link Ticker}.
 */
final class Sweeps {
  private final EventLoopGroup group;
  private final Heartbeats heartbeats;
  private final RequestTimeouts timeouts;

  /**
   * The counts of one {@link #runNow()}: heartbeats queued and plain connections timed out
   * (lingering closes that lasted too long included).
   */
  record Result(int heartbeats, int timedOut) {}

  Sweeps(EventLoopGroup group, Heartbeats heartbeats, RequestTimeouts timeouts) {
    this.group = group;
    this.heartbeats = heartbeats;
    this.timeouts = timeouts;
  }

  /** Schedules both sweeps on every loop, each at its own period. */
  void schedule() {
    heartbeats.start();
    timeouts.start();
  }

  /** Runs one sweep of each kind on every loop now and waits for them. */
  Result runNow() {
    int beats = sum(heartbeats::sweep);
    return new Result(beats, sum(timeouts::sweep));
  }

  /** The plain connections that have received part of a request and wait for the rest. */
  int partialRequests() {
    return sum(timeouts::partialRequests);
  }

  /** The plain connections reading and dropping input after an error that ends them. */
  int lingering() {
    return sum(timeouts::lingering);
  }

  /** The plain connections whose client half-closed and that are still open to answer it. */
  int halfClosed() {
    return sum(timeouts::halfClosed);
  }

  /** The plain connections open (not event streams): a closed one is no longer counted. */
  int connections() {
    return sum(timeouts::connections);
  }

  /** Runs {@code count} on each loop in turn, waiting for each, and adds up what it returns. */
  private int sum(ToIntFunction<EventExecutor> count) {
    int total = 0;
    for (EventExecutor loop : group) {
      total += loop.submit(() -> count.applyAsInt(loop)).syncUninterruptibly().getNow();
    }
    return total;
  }
}
