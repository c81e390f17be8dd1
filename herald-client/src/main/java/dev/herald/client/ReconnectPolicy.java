package dev.herald.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * When an {@link EventSource} reconnects after a network error or the end of the stream.
 *
 * <p>The first retry waits the reconnection time: {@link #initialDelay()} until the server sends
 * a {@code retry:} field, then that value. Each further consecutive failure multiplies the wait by
 * {@link #multiplier()}, up to {@link #maxDelay()} (a server's {@code retry:} above the cap is still
 * honoured). Jitter then shortens each wait by a random fraction of up to {@link #jitter()}, so a
 * wait lies in {@code [d × (1 − jitter), d]} and many clients do not reconnect in step. A
 * connection that stayed open for {@link #resetAfter()} resets the backoff.
 *
 * <p>Values are immutable and thread-safe.
 */
public final class ReconnectPolicy {
  /** The reconnection time until the server sends {@code retry:}: 1 s. */
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
  /** The cap of the exponential backoff: 30 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  /** The backoff factor per consecutive failure: 2. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** The largest fraction by which jitter shortens a wait: 0.5. */
  public static final double DEFAULT_JITTER = 0.5;
  /** How long a connection must stay open for the backoff to reset: 60 s. */
  public static final Duration DEFAULT_RESET_AFTER = Duration.ofSeconds(60);

  private static final ReconnectPolicy DEFAULTS = builder().build();
  private static final ReconnectPolicy NEVER = builder().retry(false).build();

  private final boolean retry;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final double jitter;
  private final Duration resetAfter;

  private ReconnectPolicy(Builder builder) {
    this.retry = builder.retry;
    this.initialDelay = builder.initialDelay;
    this.maxDelay = builder.maxDelay;
    this.multiplier = builder.multiplier;
    this.jitter = builder.jitter;
    this.resetAfter = builder.resetAfter;
  }

  /** The default policy: 1 s, ×2 per failure up to 30 s, jitter 0.5, reset after 60 s open. */
  public static ReconnectPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A policy that never reconnects, for one-shot streams such as an LLM completion answered to a
   * POST. The server ending the response is the normal end of the answer: a body that ends as its
   * framing says (the last chunk of a chunked body, its {@code Content-Length}, or the server
   * closing an unframed body) after a complete event closes the source cleanly, with no
   * {@code onError}. A stream that did not end normally closes it with a
   * {@link StreamEndedException} ({@code willRetry == false}): a chunked body without its last
   * chunk, fewer bytes than {@code Content-Length}, a reset, or bytes after the last blank line
   * (an event cut in half). Any other failure closes it with its error too.
   */
  public static ReconnectPolicy never() {
    return NEVER;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this policy's values. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.retry = retry;
    builder.initialDelay = initialDelay;
    builder.maxDelay = maxDelay;
    builder.multiplier = multiplier;
    builder.jitter = jitter;
    builder.resetAfter = resetAfter;
    return builder;
  }

  /** Whether the source reconnects at all after a network error or the end of the stream. */
  public boolean retry() {
    return retry;
  }

  /** The reconnection time until the server sends {@code retry:}. */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** The cap of the backoff. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** The factor applied per consecutive failure. */
  public double multiplier() {
    return multiplier;
  }

  /** The largest fraction (0 to 1) by which jitter shortens a wait. */
  public double jitter() {
    return jitter;
  }

  /** How long a connection must stay open for the backoff to start again from the first wait. */
  public Duration resetAfter() {
    return resetAfter;
  }

  /**
   * The wait before reconnection {@code attempt} (1 for the first retry after a healthy
   * connection) when the reconnection time is {@code reconnectionTime}.
   */
  Duration delay(int attempt, Duration reconnectionTime, Random random) {
    double base = reconnectionTime.toMillis();
    double grown = base * Math.pow(multiplier, Math.max(0, attempt - 1));
    double cap = Math.max(base, maxDelay.toMillis());
    double wait = Math.min(grown, cap);
    wait -= wait * jitter * random.nextDouble();
    return Duration.ofMillis(Math.round(wait));
  }

  /** The attempt number of the next retry, given the previous one and how long the connection stayed open. */
  int nextAttempt(int previousAttempt, Duration openFor) {
    return openFor.compareTo(resetAfter) >= 0 ? 1 : previousAttempt + 1;
  }

  @Override
  public String toString() {
    return retry
        ? "ReconnectPolicy{initialDelay=" + initialDelay + ", maxDelay=" + maxDelay + ", multiplier=" + multiplier
            + ", jitter=" + jitter + ", resetAfter=" + resetAfter + '}'
        : "ReconnectPolicy{never}";
  }

  /** Builds a {@link ReconnectPolicy}. A builder is not thread-safe. */
  public static final class Builder {
    private boolean retry = true;
    private Duration initialDelay = DEFAULT_INITIAL_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private double multiplier = DEFAULT_MULTIPLIER;
    private double jitter = DEFAULT_JITTER;
    private Duration resetAfter = DEFAULT_RESET_AFTER;

    private Builder() {}

    /** Whether to reconnect at all; {@code true} by default. */
    public Builder retry(boolean retry) {
      this.retry = retry;
      return this;
    }

    /** The reconnection time until the server sends {@code retry:}; zero or more. */
    public Builder initialDelay(Duration initialDelay) {
      this.initialDelay = nonNegative(initialDelay, "initialDelay");
      return this;
    }

    /** The cap of the backoff; zero or more. */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = nonNegative(maxDelay, "maxDelay");
      return this;
    }

    /** The factor applied per consecutive failure; 1 (no backoff) or more. */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier < 1: " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /** The largest fraction by which a wait is randomly shortened, from 0 (none) to 1 (full jitter). */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter not in [0, 1]: " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** How long a connection must stay open for the backoff to reset; zero or more. */
    public Builder resetAfter(Duration resetAfter) {
      this.resetAfter = nonNegative(resetAfter, "resetAfter");
      return this;
    }

    /** The policy. */
    public ReconnectPolicy build() {
      return new ReconnectPolicy(this);
    }

    private static Duration nonNegative(Duration value, String name) {
      Objects.requireNonNull(value, name + " == null");
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " < 0: " + value);
      }
      return value;
    }
  }
}
