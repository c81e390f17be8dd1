package dev.herald.client;

/**
 * No response arrived: the connection could not be made (refused, unknown host, TLS handshake),
 * it closed before the response head, or the head did not arrive within the connect timeout
 * ({@link EventSource.Builder#connectTimeout}). {@link #getCause()} is the underlying error, when
 * there is one (none for the connect timeout). The source retries unless its policy is
 * {@link ReconnectPolicy#never()}. A {@link HubPublisher} reports one as the cause of a
 * {@link HubPublishFailedException} when its last attempt got no answer (or none within
 * {@link HubPublisher.Builder#requestTimeout}).
 */
public final class ConnectionFailedException extends HeraldClientException {
  private static final long serialVersionUID = 1L;

  ConnectionFailedException(String message, Throwable cause) {
    super(message, 0, cause);
  }
}
