package dev.herald.hub;

/**
 * A {@link HistoryStore} cannot serve a request now: it could not be opened, an append could not
 * be made durable (or was not confirmed within the store's timeout), the store is overloaded, or
 * it is closed. Unchecked. The hub answers a publish that fails with it {@code 503}, saying the
 * store is unavailable, and never {@code 200}; {@link Hub#start} throws it when the configured
 * store cannot be opened. The message names the store's location (never a password) and the cause.
 */
public class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what failed. */
  public StoreUnavailableException(String message) {
    super(message);
  }

  /** With a message saying what failed, and the underlying cause. */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
