package dev.herald.client;

/**
 * A publish that could not be completed although it was retried: every attempt failed with a
 * retryable error (no answer, a timeout, 408, 429 or 5xx) until {@link HubPublisher.Builder#maxAttempts}
 * or {@link HubPublisher.Builder#deadline} was reached. {@link #getCause()} is the last failure:
 * a {@link ConnectionFailedException} or a {@link HubPublishRejectedException} with the hub's
 * status; {@link #status()} is that status when the hub answered. The update may or may not have
 * been stored (its answer may have been lost); publishing it again with a new publish is then a
 * new logical publish. Immutable.
 */
public final class HubPublishFailedException extends HeraldClientException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  HubPublishFailedException(String message, int attempts, HeraldClientException last) {
    super(message + " after " + attempts + " attempt(s); last: " + last.getMessage(),
        last.status().orElse(0), last);
    this.attempts = attempts;
  }

  /** How many requests were sent. */
  public int attempts() {
    return attempts;
  }
}
