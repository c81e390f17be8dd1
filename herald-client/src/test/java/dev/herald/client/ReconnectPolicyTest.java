package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
  private static final Random NO_JITTER_DRAW = new Random() {
    @Override
    public double nextDouble() {
      return 0.0;
    }
  };
  private static final Random MAX_JITTER_DRAW = new Random() {
    @Override
    public double nextDouble() {
      return 0.999999;
    }
  };

  @Test
  void defaults() {
    ReconnectPolicy policy = ReconnectPolicy.defaults();
    assertThat(policy.retry()).isTrue();
    assertThat(policy.initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.multiplier()).isEqualTo(2.0);
    assertThat(policy.jitter()).isEqualTo(0.5);
    assertThat(policy.resetAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(ReconnectPolicy.never().retry()).isFalse();
  }

  @Test
  void backoffDoublesUpToTheCap() {
    ReconnectPolicy policy = ReconnectPolicy.defaults();
    Duration base = Duration.ofSeconds(1);
    assertThat(policy.delay(1, base, NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delay(2, base, NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delay(3, base, NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.delay(5, base, NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(16));
    assertThat(policy.delay(6, base, NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.delay(1000, base, NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryFieldReplacesTheInitialDelay() {
    ReconnectPolicy policy = ReconnectPolicy.defaults();
    assertThat(policy.delay(1, Duration.ofMillis(100), NO_JITTER_DRAW)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(2, Duration.ofMillis(100), NO_JITTER_DRAW)).isEqualTo(Duration.ofMillis(200));
    // a server asking for more than the cap is still honoured, without further growth
    assertThat(policy.delay(1, Duration.ofSeconds(60), NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.delay(4, Duration.ofSeconds(60), NO_JITTER_DRAW)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void jitterShortensByAtMostTheFraction() {
    ReconnectPolicy policy = ReconnectPolicy.builder().jitter(0.5).build();
    Duration base = Duration.ofSeconds(1);
    assertThat(policy.delay(3, base, MAX_JITTER_DRAW)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(2001));
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      assertThat(policy.delay(3, base, random)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(4000));
    }
    ReconnectPolicy full = ReconnectPolicy.builder().jitter(1.0).build();
    for (int i = 0; i < 1000; i++) {
      assertThat(full.delay(1, base, random)).isBetween(Duration.ZERO, base);
    }
  }

  @Test
  void healthyConnectionResetsTheBackoff() {
    ReconnectPolicy policy = ReconnectPolicy.builder().resetAfter(Duration.ofSeconds(10)).build();
    assertThat(policy.nextAttempt(0, Duration.ZERO)).isEqualTo(1);
    assertThat(policy.nextAttempt(4, Duration.ofSeconds(9))).isEqualTo(5);
    assertThat(policy.nextAttempt(4, Duration.ofSeconds(10))).isEqualTo(1);
  }

  @Test
  void builderValidatesAndCopies() {
    assertThatThrownBy(() -> ReconnectPolicy.builder().multiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReconnectPolicy.builder().jitter(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReconnectPolicy.builder().initialDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReconnectPolicy.builder().maxDelay(null)).hasMessage("maxDelay == null");
    ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(5)).build();
    assertThat(policy.toBuilder().jitter(0).build().initialDelay()).isEqualTo(Duration.ofMillis(5));
  }
}
