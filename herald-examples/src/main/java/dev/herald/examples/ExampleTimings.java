package dev.herald.examples;

import java.time.Duration;

/** How fast the timed examples go; tests use shorter intervals than the defaults. */
final class ExampleTimings {
  static final ExampleTimings DEFAULT =
      new ExampleTimings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(60));

  final Duration counterInterval;
  final Duration lyricsInterval;
  final Duration tokenInterval;

  ExampleTimings(Duration counterInterval, Duration lyricsInterval, Duration tokenInterval) {
    this.counterInterval = counterInterval;
    this.lyricsInterval = lyricsInterval;
    this.tokenInterval = tokenInterval;
  }

  static ExampleTimings fast() {
    return new ExampleTimings(Duration.ofMillis(20), Duration.ofMillis(10), Duration.ofMillis(5));
  }
}
