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
 * The open streams of each event loop, and one heartbeat task per loop that writes a comment to
 * every stream that has been quiet for the interval. Each loop's set is touched only on that
 * loop, so no locks are needed; there is no timer per connection.
 */
final class Heartbeats {
  private final Map<EventExecutor, Set<NettySseStream>> byLoop = new IdentityHashMap<>();
  private final long intervalNanos;

  Heartbeats(EventLoopGroup group, Duration interval) {
    for (EventExecutor loop : group) {
      byLoop.put(loop, new HashSet<>());
    }
    this.intervalNanos = interval.toNanos();
  }

  /** Schedules one task per loop unless the interval is zero. */
  void start() {
    if (intervalNanos <= 0) {
      return;
    }
    long period = Math.max(intervalNanos / 2, TimeUnit.MILLISECONDS.toNanos(10));
    for (Map.Entry<EventExecutor, Set<NettySseStream>> e : byLoop.entrySet()) {
      Set<NettySseStream> streams = e.getValue();
      e.getKey().scheduleAtFixedRate(() -> beat(streams), period, period, TimeUnit.NANOSECONDS);
    }
  }

  private void beat(Set<NettySseStream> streams) {
    if (streams.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (NettySseStream stream : new ArrayList<>(streams)) {
      stream.heartbeat(now, intervalNanos);
    }
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
