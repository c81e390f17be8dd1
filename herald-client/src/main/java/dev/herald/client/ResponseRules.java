package dev.herald.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** How a response's headers are read: the event-stream content type and {@code Retry-After}. */
final class ResponseRules {
  private static final long MAX_RETRY_AFTER_SECONDS = Duration.ofDays(1).toSeconds();

  private ResponseRules() {}

  /** Whether {@code contentType} is {@code text/event-stream}, parameters such as {@code charset} ignored. */
  static boolean isEventStream(Optional<String> contentType) {
    if (contentType.isEmpty()) {
      return false;
    }
    String value = contentType.get();
    int semicolon = value.indexOf(';');
    String mime = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
    return mime.toLowerCase(Locale.ROOT).equals("text/event-stream");
  }

  /**
   * The wait a {@code Retry-After} value asks for at {@code now}: delta-seconds or an HTTP-date
   * (a past date is zero, waits are capped at a day); empty when absent or malformed.
   */
  static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().trim();
    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      long seconds = value.length() > 7 ? MAX_RETRY_AFTER_SECONDS : Long.parseLong(value);
      return Optional.of(Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER_SECONDS)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      if (wait.isNegative()) {
        return Optional.of(Duration.ZERO);
      }
      return Optional.of(wait.compareTo(Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS)) > 0
          ? Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS) : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
