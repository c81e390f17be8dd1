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

  private final boolean mayBeStored;

  /** With a message saying what failed. */
  public StoreUnavailableException(String message) {
    this(message, null, false);
  }

  /** With a message saying what failed, and the underlying cause. */
  public StoreUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * With a message saying what failed, the underlying cause (may be null), and whether the
   * append may have been stored all the same ({@link #mayBeStored()}).
   */
  public StoreUnavailableException(String message, Throwable cause, boolean mayBeStored) {
    super(message, cause);
    this.mayBeStored = mayBeStored;
  }

  /**
   * Whether the failed append may nevertheless have been stored (and delivered): the request
   * reached a remote store but its answer did not come back in time, or the connection dropped
   * while it was in flight. The hub then tells the publisher to retry with the same
   * {@code Idempotency-Key} rather than that nothing was published. False when the store knows
   * nothing was stored.
   */
  public boolean mayBeStored() {
    return mayBeStored;
  }
}
