package dev.herald.server;

/**
 * Thrown when the server itself fails, for example when it cannot bind its address; the message
 * names the {@code host:port} and, for a port in use, says "address already in use" (a host that
 * does not resolve: {@code cannot resolve host '…'}). Immutable and safe to share between threads.
 */
public class HeraldServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public HeraldServerException(String message) {
    super(message);
  }

  /** An exception with {@code message} caused by {@code cause}. */
  public HeraldServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
