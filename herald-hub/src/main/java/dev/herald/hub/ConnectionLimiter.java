package dev.herald.hub;

import dev.herald.server.HttpException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the hub's open connections, in total and per client address, and refuses one more past
 * {@code --max-connections} ({@code 503}) or {@code --max-connections-per-address} ({@code 429}),
 * each refusal counted in {@link HubMetrics}. What counts as open: an event stream from the
 * moment its handler runs until it closes, and a request from its filter until its response
 * goes out (see {@link Hub}); an idle keep-alive connection does not count.
 *
 * <p>Threading: thread-safe; one lock, held only to count.
 */
final class ConnectionLimiter {
  /** One counted connection; {@link #release()} ends it (more calls do nothing). */
  interface Permit {
    void release();
  }

  private static final Permit NONE = () -> { };

  private final int max;
  private final int maxPerAddress;
  private final HubMetrics metrics;
  private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // guarded by this
  private int total; // guarded by this

  ConnectionLimiter(int max, int maxPerAddress, HubMetrics metrics) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
    this.metrics = metrics;
  }

  /** Whether any limit is on. */
  boolean enabled() {
    return max > 0 || maxPerAddress > 0;
  }

  /** Counts a connection from {@code client}, or throws {@link HttpException} 503/429 saying which limit it hit. */
  Permit acquire(InetSocketAddress client) {
    if (!enabled()) {
      return NONE;
    }
    InetAddress address = client.getAddress();
    synchronized (this) {
      if (max > 0 && total >= max) {
        metrics.refused("max-connections");
        throw new HttpException(503, "the hub has reached its limit of " + max
            + " open connections (--max-connections); retry later");
      }
      int mine = perAddress.getOrDefault(address, 0);
      if (maxPerAddress > 0 && mine >= maxPerAddress) {
        metrics.refused("max-connections-per-address");
        throw new HttpException(429, "too many open connections from your address: the limit is " + maxPerAddress
            + " (--max-connections-per-address); close one first");
      }
      total++;
      perAddress.put(address, mine + 1);
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        release(address);
      }
    };
  }

  private synchronized void release(InetAddress address) {
    total--;
    perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
  }

  /** Connections counted now (tests). */
  synchronized int open() {
    return total;
  }
}
