package dev.herald.redis;

import java.util.OptionalLong;

/**
 * Stream entry ids ({@code <ms>-<seq>}) as Herald positions: {@code ms << 20 | seq}, so the
 * order of positions is the stream's order. A sequence number of {@code 2^20} or more does not
 * fit and is refused; Herald's append script never makes one (it moves to the next millisecond).
 */
final class RedisIds {
  static final int SEQ_BITS = 20;
  static final long MAX_SEQ = (1L << SEQ_BITS) - 1;
  static final long MAX_MS = (1L << (63 - SEQ_BITS)) - 1;

  private RedisIds() {}

  /** The position of entry id {@code id}, empty if it is not {@code <ms>-<seq>} within range. */
  static OptionalLong position(String id) {
    int dash = id.indexOf('-');
    if (dash < 1 || dash == id.length() - 1 || dash > 19 || id.length() - dash - 1 > 7) {
      return OptionalLong.empty();
    }
    long ms;
    long seq;
    try {
      ms = parseDigits(id, 0, dash);
      seq = parseDigits(id, dash + 1, id.length());
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
    if (ms > MAX_MS || seq > MAX_SEQ || ms == 0 && seq == 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(ms << SEQ_BITS | seq);
  }

  /** {@link #position} of an id Redis gave; throws if it does not fit. */
  static long positionOf(String id) {
    OptionalLong p = position(id);
    if (p.isEmpty()) {
      throw new IllegalStateException("Redis entry id '" + id + "' does not map to a Herald position");
    }
    return p.getAsLong();
  }

  /** The entry id of position {@code position} (at least 0). */
  static String id(long position) {
    return (position >>> SEQ_BITS) + "-" + (position & MAX_SEQ);
  }

  /** The milliseconds part of a position. */
  static long millis(long position) {
    return position >>> SEQ_BITS;
  }

  private static long parseDigits(String s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9' || v > (Long.MAX_VALUE - (c - '0')) / 10) {
        throw new NumberFormatException(s); // not a digit, or past a long (it would wrap negative)
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
