package dev.herald.server;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The open streams of each event loop, and one heartbeat sweep per loop that writes a comment to
 * every stream that has been quiet for the interval. Each loop's set is touched only on that
 * loop, so no locks are needed; there is no timer per connection.
 *
 * <p>The sweep runs every {@link Ticker#sweepPeriod(long) period} (a tenth of the interval, at
 * least 10 ms, at most 1 s) and beats a stream once it has been quiet for the interval less half
 * a period, so each heartbeat follows the stream's previous write by the interval give or take
 * half a period. Sweeps tick at a fixed rate and the tolerance absorbs the moment between a
 * sweep and the write it causes, so on a quiet stream heartbeats come one interval apart when
 * the interval is a multiple of the period (a stricter "quiet for the whole interval" check
 * would miss by that moment and beat one period late every time).
 */
final class Heartbeats {
  private final Map<EventExecutor, Set<NettySseStream>> byLoop = new IdentityHashMap<>();
  private final long intervalNanos;
  private final long periodNanos;
  private final Ticker ticker;

  Heartbeats(EventLoopGroup group, Duration interval, Ticker ticker) {
    for (EventExecutor loop : group) {
      byLoop.put(loop, new HashSet<>());
    }
    this.intervalNanos = interval.toNanos(); // at most a day (HeraldServer.MAX_INTERVAL)
    this.periodNanos = Ticker.sweepPeriod(intervalNanos);
    this.ticker = ticker;
  }

  /** The time between two sweeps of one loop. */
  long periodNanos() {
    return periodNanos;
  }

  /** Schedules one sweep per loop unless the interval is zero. */
  void start() {
    if (intervalNanos <= 0) {
      return;
    }
    for (Map.Entry<EventExecutor, Set<NettySseStream>> e : byLoop.entrySet()) {
      Set<NettySseStream> streams = e.getValue();
      e.getKey().scheduleAtFixedRate(() -> beat(streams), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Loop: one sweep of {@code loop}'s streams now; returns the number of heartbeats queued. */
  int sweep(EventExecutor loop) {
    Set<NettySseStream> streams = byLoop.get(loop);
    return intervalNanos <= 0 || streams == null ? 0 : beat(streams);
  }

  private int beat(Set<NettySseStream> streams) {
    if (streams.isEmpty()) {
      return 0;
    }
    long now = ticker.nanoTime();
    long quiet = intervalNanos - periodNanos / 2;
    int sent = 0;
    for (NettySseStream stream : new ArrayList<>(streams)) {
      if (stream.heartbeat(now, quiet)) {
        sent++;
      }
    }
    return sent;
  }

  /** Loop: starts tracking {@code stream}. */
  void register(NettySseStream stream) {
    byLoop.get(stream.loop()).add(stream);
  }

  /** Loop: stops tracking {@code stream}. */
  void unregister(NettySseStream stream) {
    Set<NettySseStream> set = byLoop.get(stream.loop());
    if (set != null) {
      set.remove(stream);
    }
  }

  /** Closes every tracked stream with {@code reason}, waiting up to {@code timeout} for the loops. */
  void closeAll(CloseReason reason, Duration timeout) {
    List<Future<?>> done = new ArrayList<>();
    for (Map.Entry<EventExecutor, Set<NettySseStream>> e : byLoop.entrySet()) {
      Set<NettySseStream> streams = e.getValue();
      try {
        done.add(e.getKey().submit(() -> {
          for (NettySseStream stream : new ArrayList<>(streams)) {
            stream.close(reason);
          }
        }));
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // the loop is already gone, and so are its connections
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Future<?> f : done) {
      f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }
}
