package dev.herald.hub;

import dev.herald.server.Response;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * {@code --publish-rate}: a token bucket per publisher — its token's subject, else its client
 * address — refilled at the rate per second up to {@code --publish-burst}; each publish request
 * (a batch too) takes one token. Without one the request is answered {@code 429} with
 * {@code Retry-After} (whole seconds until a token is back) and a JSON message naming the limit,
 * and counted in {@link HubMetrics}. Buckets of publishers that have rested back to full are
 * dropped once there are many, so memory stays bounded by the publishers active at once.
 *
 * <p>Threading: thread-safe; one lock, held only to count.
 */
final class PublishRate {
  private static final int SWEEP_AT = 10_000;
  private static final double NANOS = 1e9;

  private final double rate;
  private final int burst;
  private final LongSupplier nanoTime;
  private final HubMetrics metrics;
  private final Map<String, Bucket> buckets = new HashMap<>(); // guarded by this
  private long lastSweep; // guarded by this

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  PublishRate(double rate, int burst, LongSupplier nanoTime, HubMetrics metrics) {
    this.rate = rate;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
  }

  /** Empty if {@code publisher} may publish now (a token is taken), else the 429 answer. */
  Optional<Response> check(Access publisher, InetSocketAddress client) {
    if (rate <= 0) {
      return Optional.empty();
    }
    String key = publisher.subject().map(s -> "sub " + s).orElseGet(() -> "addr " + client.getAddress().getHostAddress());
    long wait;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      Bucket b = buckets.get(key);
      if (b == null) {
        if (buckets.size() >= SWEEP_AT && now - lastSweep >= NANOS) { // at most once a second
          lastSweep = now;
          sweep(now);
        }
        b = new Bucket(burst, now);
        buckets.put(key, b);
      }
      refill(b, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return Optional.empty();
      }
      wait = (long) Math.ceil((1 - b.tokens) / rate); // seconds until one token is back
    }
    metrics.refused("publish-rate");
    long retryAfter = Math.max(1, wait);
    String message = "publish rate limit: " + decimal(rate) + " requests per second per publisher (--publish-rate), burst "
        + burst + " (--publish-burst); retry after " + retryAfter + " s";
    return Optional.of(HubJson.error(429, "Too Many Requests", message).header("Retry-After", Long.toString(retryAfter))
        .build());
  }

  private void refill(Bucket b, long now) {
    long elapsed = now - b.at;
    if (elapsed > 0) {
      b.tokens = Math.min(burst, b.tokens + elapsed * (rate / NANOS));
      b.at = now;
    }
  }

  /** Drops the buckets that are full again: a publisher starting afresh gets the same. */
  private void sweep(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      refill(b, now);
      if (b.tokens >= burst) {
        it.remove();
      }
    }
  }

  /** {@code 2}, {@code 0.5}: a rate as the user wrote it. */
  static String decimal(double d) {
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** Publishers with a bucket now (tests). */
  synchronized int tracked() {
    return buckets.size();
  }
}
