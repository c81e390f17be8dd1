package dev.herald.redis;

import dev.herald.hub.StoreUnavailableException;
import dev.herald.hub.StoredEvent;
import java.util.List;
import java.util.Optional;

/**
 * The positions this node's tail most recently handed to the listener (a ring, oldest dropped
 * first), so an append is confirmed only if its entries really went through the listener: the
 * tail moving past a position does not mean it read it, e.g. when Redis lost the entry (a restart
 * without its last writes) between the append and the tail's read. Thread-safe.
 */
final class RedisSeen {
  private final long[] ring;
  private int next;
  private int size;
  private long known; // every position above it that the listener was given is in the ring

  /** Remembering {@code capacity} positions, for a tail that starts after {@code startAfter}. */
  RedisSeen(int capacity, long startAfter) {
    this.ring = new long[capacity];
    this.known = startAfter;
  }

  /** Records a batch the listener was given (positions increase, across batches too). */
  synchronized void add(List<StoredEvent> batch) {
    for (StoredEvent e : batch) {
      if (size == ring.length) {
        known = ring[next]; // dropped: from now on it is too old to tell
      }
      ring[next] = e.id();
      next = (next + 1) % ring.length;
      size = Math.min(size + 1, ring.length);
    }
  }

  /** The first of {@code positions} the tail went past without reading (Redis lost it), if any. */
  Optional<Long> firstUnseen(List<Long> positions) {
    return positions.stream().filter(p -> !seenOrTooOld(p)).findFirst();
  }

  /** The failure of an append whose entry at {@code position} Redis lost before the tail read it. */
  static StoreUnavailableException lost(String where, long position) {
    return new StoreUnavailableException("the history store is unavailable: Redis at " + where + " lost entry "
        + RedisIds.id(position) + " before this node read it back (restarted without its last writes?); it is not"
        + " stored");
  }

  /**
   * Whether {@code position} went through the listener; also true when it is at or below what
   * the ring can tell about (before the tail started, or dropped from the ring).
   */
  synchronized boolean seenOrTooOld(long position) {
    if (position <= known) {
      return true;
    }
    int start = (next - size + ring.length) % ring.length;
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long v = ring[(start + mid) % ring.length];
      if (v == position) {
        return true;
      }
      if (v < position) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }
}
