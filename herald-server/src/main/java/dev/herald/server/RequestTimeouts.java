package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The plain (not event-stream) connections of each event loop, and one sweep task per loop that
 * times out those that have been waiting for (the rest of) a request for too long. Each loop's
 * set is touched only on that loop, so no locks are needed; there is no timer per connection.
 * A connection whose handler is running is never timed out: only the client's slowness counts.
 * The sweep runs every {@link Ticker#sweepPeriod(long) period} (a tenth of the timeout, at least
 * 10 ms, at most 1 s), so a connection is timed out at most one period after its deadline.
 */
final class RequestTimeouts {
  private final Map<EventExecutor, Set<HttpServerHandler>> byLoop = new IdentityHashMap<>();
  private final long timeoutNanos;
  private final Ticker ticker;

  RequestTimeouts(EventLoopGroup group, Duration timeout, Ticker ticker) {
    this.timeoutNanos = timeout.toNanos(); // at most a day (HeraldServer.MAX_INTERVAL)
    this.ticker = ticker;
    if (timeoutNanos > 0) {
      for (EventExecutor loop : group) {
        byLoop.put(loop, new HashSet<>());
      }
    }
  }

  /** Whether the timeout is on; when off, nothing is tracked. */
  boolean enabled() {
    return timeoutNanos > 0;
  }

  /** Schedules one sweep per loop, every {@link Ticker#sweepPeriod(long) period}, unless disabled. */
  void start() {
    if (!enabled()) {
      return;
    }
    long period = Ticker.sweepPeriod(timeoutNanos);
    for (Map.Entry<EventExecutor, Set<HttpServerHandler>> e : byLoop.entrySet()) {
      Set<HttpServerHandler> connections = e.getValue();
      e.getKey().scheduleAtFixedRate(() -> sweep(connections), period, period, TimeUnit.NANOSECONDS);
    }
  }

  /** Loop: one sweep of {@code loop}'s connections now; returns the number timed out. */
  int sweep(EventExecutor loop) {
    Set<HttpServerHandler> connections = byLoop.get(loop);
    return connections == null ? 0 : sweep(connections);
  }

  /** Loop: how many of {@code loop}'s connections have part of a request waiting (for tests). */
  int partialRequests(EventExecutor loop) {
    return count(loop, HttpServerHandler::hasPartialRequest);
  }

  /** Loop: how many of {@code loop}'s connections are in a lingering close (for tests). */
  int lingering(EventExecutor loop) {
    return count(loop, HttpServerHandler::isLingering);
  }

  /** Loop: how many of {@code loop}'s connections are half-closed by the client and open (for tests). */
  int halfClosed(EventExecutor loop) {
    return count(loop, HttpServerHandler::isHalfClosed);
  }

  /** Loop: how many plain connections {@code loop} tracks (for tests). */
  int connections(EventExecutor loop) {
    return count(loop, c -> true);
  }

  /** Loop: how many of {@code loop}'s connections are {@code in} that state. */
  private int count(EventExecutor loop, Predicate<HttpServerHandler> in) {
    Set<HttpServerHandler> connections = byLoop.get(loop);
    return connections == null ? 0 : (int) connections.stream().filter(in).count();
  }

  /** Loop: times out the connections of one loop that waited too long for a request. */
  private int sweep(Set<HttpServerHandler> connections) {
    if (connections.isEmpty()) {
      return 0;
    }
    long now = ticker.nanoTime();
    List<HttpServerHandler> expired = null;
    for (HttpServerHandler connection : connections) {
      if (connection.waitedTooLong(now, timeoutNanos)) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(connection);
      }
    }
    if (expired == null) {
      return 0;
    }
    for (HttpServerHandler connection : expired) { // stays tracked: it may linger, see LingeringClose
      connection.requestTimedOut(timeoutNanos);
    }
    return expired.size();
  }

  /** Loop: starts tracking the plain connection {@code connection} (no-op when disabled). */
  void register(EventExecutor loop, HttpServerHandler connection) {
    Set<HttpServerHandler> set = byLoop.get(loop);
    if (set != null) {
      set.add(connection);
    }
  }

  /** Loop: stops tracking {@code connection} (closed, or now an event stream). */
  void unregister(EventExecutor loop, HttpServerHandler connection) {
    Set<HttpServerHandler> set = byLoop.get(loop);
    if (set != null) {
      set.remove(connection);
    }
  }

  /**
   * Sits in front of the HTTP decoder and tells the connection that request bytes arrived, so a
   * timeout can tell a half-sent request (answered {@code 408}) from an idle keep-alive
   * connection (just closed): the decoder itself reports nothing until the headers are complete.
   */
  static final class BytesSeen extends ChannelInboundHandlerAdapter {
    private final HttpServerHandler connection;

    BytesSeen(HttpServerHandler connection) {
      this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf && buf.isReadable()) {
        connection.bytesArrived();
      }
      ctx.fireChannelRead(msg);
    }
  }
}
