package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponseRulesTest {
  @Test
  void eventStreamContentType() {
    assertThat(ResponseRules.isEventStream(Optional.of("text/event-stream"))).isTrue();
    assertThat(ResponseRules.isEventStream(Optional.of("text/event-stream;charset=utf-8"))).isTrue();
    assertThat(ResponseRules.isEventStream(Optional.of(" TEXT/Event-Stream ; charset=windows-1252"))).isTrue();
    assertThat(ResponseRules.isEventStream(Optional.of("text/plain"))).isFalse();
    assertThat(ResponseRules.isEventStream(Optional.of("text/event-streams"))).isFalse();
    assertThat(ResponseRules.isEventStream(Optional.empty())).isFalse();
  }

  @Test
  void retryAfter() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(ResponseRules.retryAfter(Optional.of("120"), now)).contains(Duration.ofSeconds(120));
    assertThat(ResponseRules.retryAfter(Optional.of("0"), now)).contains(Duration.ZERO);
    assertThat(ResponseRules.retryAfter(Optional.of("99999999999"), now)).contains(Duration.ofDays(1));
    assertThat(ResponseRules.retryAfter(Optional.of("Thu, 01 Jan 2026 00:00:30 GMT"), now)).contains(Duration.ofSeconds(30));
    assertThat(ResponseRules.retryAfter(Optional.of("Wed, 31 Dec 2025 23:00:00 GMT"), now)).contains(Duration.ZERO);
    assertThat(ResponseRules.retryAfter(Optional.of("-5"), now)).isEmpty();
    assertThat(ResponseRules.retryAfter(Optional.of("soon"), now)).isEmpty();
    assertThat(ResponseRules.retryAfter(Optional.empty(), now)).isEmpty();
  }
}
