package dev.herald.hub;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human forms of durations ({@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h},
 * {@code 7d}, ISO-8601 {@code PT15S}, or {@code 0}) and byte sizes ({@code 65536}, {@code 64k},
 * {@code 64KiB}, {@code 1m}, {@code 1MiB}; k/m/g are powers of 1024) used by options and config.
 */
final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

  private Units() {}

  static Duration duration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 15s, 2m, 1h, 7d)");
    }
  }

  static long bytes(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 65536, 64k, 1m)");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    switch (m.group(2)) {
      case "k":
      case "kb":
      case "kib":
        return Math.multiplyExact(n, 1024L);
      case "m":
      case "mb":
      case "mib":
        return Math.multiplyExact(n, 1024L * 1024);
      case "g":
      case "gb":
      case "gib":
        return Math.multiplyExact(n, 1024L * 1024 * 1024);
      default:
        return n;
    }
  }

  static long integer(String text) {
    try {
      return Long.parseLong(text.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number");
    }
  }
}
