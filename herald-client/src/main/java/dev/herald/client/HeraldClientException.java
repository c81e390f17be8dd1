package dev.herald.client;

import java.util.OptionalInt;

/**
 * What went wrong with an {@link EventSource}: a network error, the end of the stream, a read
 * timeout, or a response that does not open a stream (status or content type). The message names
 * the URI and the reason; {@link #status()} holds the HTTP status when the server sent one.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class HeraldClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** An exception with {@code message} and no HTTP status. */
  public HeraldClientException(String message) {
    this(message, 0, null);
  }

  /** An exception with {@code message} caused by {@code cause}, with no HTTP status. */
  public HeraldClientException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  HeraldClientException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status of the response that caused this error, or empty for other errors. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
