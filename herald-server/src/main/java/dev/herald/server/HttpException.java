package dev.herald.server;

/**
 * Thrown by a handler to answer with a given HTTP status and a short message; the client gets a
 * JSON error body such as {@code {"status":400,"error":"Bad Request","message":"..."}}.
 * Immutable and safe to share between threads.
 */
public class HttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** An exception answering with {@code status} (200–599) and {@code message}. */
  public HttpException(int status, String message) {
    this(status, message, null);
  }

  /** An exception answering with {@code status} and {@code message}, keeping {@code cause} for logs. */
  public HttpException(int status, String message, Throwable cause) {
    super(java.util.Objects.requireNonNull(message, "message == null"), cause);
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status must be 200..599: " + status);
    }
    this.status = status;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }
}
