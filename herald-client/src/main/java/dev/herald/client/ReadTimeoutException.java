package dev.herald.client;

import java.time.Duration;

/**
 * The stream was open but no byte arrived for the read timeout
 * ({@link EventSource.Builder#readTimeout}); the connection is dropped. The source retries unless
 * its policy is {@link ReconnectPolicy#never()}.
 */
public final class ReadTimeoutException extends HeraldClientException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  ReadTimeoutException(String message, Duration timeout) {
    super(message, 0, null);
    this.timeout = timeout;
  }

  /** The read timeout that passed without data. */
  public Duration timeout() {
    return timeout;
  }
}
