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

  /** The longest duration an option takes (100 years): more is surely a mistake. */
  static final Duration MAX_DURATION = Duration.ofDays(36_500);

  private Units() {}

  /** {@code d} in the shortest human form {@link #duration} reads back: {@code 0}, {@code 1d}, {@code 90s}, {@code 1500ms}. */
  static String format(Duration d) {
    if (d.isZero()) {
      return "0";
    }
    if (d.getNano() % 1_000_000 != 0 || d.isNegative()) {
      return d.toString();
    }
    long ms = d.toMillis();
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + names[i];
      }
    }
    return ms + "ms";
  }

  static Duration duration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(s);
    if (m.matches()) {
      try {
        return duration(Long.parseLong(m.group(1)), m.group(2));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too large");
      }
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      if (e.getCause() instanceof ArithmeticException) {
        throw new IllegalArgumentException("'" + text + "' is too large");
      }
      throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 15s, 2m, 1h, 7d)");
    }
  }

  private static Duration duration(long n, String unit) {
    switch (unit) {
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

  static long bytes(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 65536, 64k, 1m)");
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier(m.group(2)));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
  }

  private static long multiplier(String unit) {
    switch (unit) {
      case "k":
      case "kb":
      case "kib":
        return 1024L;
      case "m":
      case "mb":
      case "mib":
        return 1024L * 1024;
      case "g":
      case "gb":
      case "gib":
        return 1024L * 1024 * 1024;
      default:
        return 1;
    }
  }

  static long integer(String text) {
    String digits = text.trim().replace("_", "");
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is " + (digits.matches("[+-]?\\d+") ? "too large" : "not a whole number"));
    }
  }
}
