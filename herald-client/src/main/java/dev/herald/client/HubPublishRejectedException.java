package dev.herald.client;

import java.net.URI;

/**
 * The hub answered a publish with a status that is not a success. Thrown at once for a 4xx
 * other than 408 and 429 (never retried: the same request would be refused again); for 408, 429
 * and 5xx it is the {@link HubPublishFailedException#getCause() cause} of the failure once the
 * retries are spent. {@link #status()} holds the status, {@link #hubMessage()} the hub's
 * explanation (the {@code message} of Herald's JSON error body, or a Mercure hub's text), and
 * {@link #isAuthorizationFailure()} tells a refused or missing token (401) or a token without
 * the claim (403) apart without parsing. Immutable.
 */
public final class HubPublishRejectedException extends HeraldClientException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String hubMessage;

  HubPublishRejectedException(URI uri, int statusCode, String hubMessage) {
    super("hub refused the publish with " + statusCode + " at " + uri + (hubMessage.isEmpty() ? "" : ": " + hubMessage),
        statusCode, null);
    this.statusCode = statusCode;
    this.hubMessage = hubMessage;
  }

  /** The HTTP status of the hub's answer (also in {@link #status()}). */
  public int statusCode() {
    return statusCode;
  }

  /** The hub's explanation: its JSON error's {@code message}, else its body as text; may be empty. */
  public String hubMessage() {
    return hubMessage;
  }

  /** Whether the status is 401 (token missing or refused) or 403 (token does not cover a topic). */
  public boolean isAuthorizationFailure() {
    return statusCode == 401 || statusCode == 403;
  }

  /** Whether the status is one a publisher retries: 408, 429 or 5xx. */
  public boolean isRetryable() {
    return statusCode == 408 || statusCode == 429 || statusCode >= 500;
  }
}
