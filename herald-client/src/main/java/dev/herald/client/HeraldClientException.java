package dev.herald.client;

import java.util.OptionalInt;

/**
 * What went wrong with an {@link EventSource}. The message names the URI and the reason. The
 * source reports one of these subclasses, so a caller can catch the case it handles:
 *
 * <ul>
 *   <li>{@link UnexpectedStatusException}: the server answered with a status that does not open a
 *       stream (not 200 or 204); carries the status, the headers and the start of the body;
 *   <li>{@link UnexpectedContentTypeException}: a 200 that is not {@code text/event-stream};
 *   <li>{@link ConnectionFailedException}: no response arrived (connect error, connection closed
 *       before the response head, or the connect timeout);
 *   <li>{@link ReadTimeoutException}: the stream was open but nothing arrived for the read timeout;
 *   <li>{@link StreamEndedException}: the server ended the stream or the connection broke while
 *       it was open.
 * </ul>
 *
 * <p>A {@link HubPublisher} reports {@link HubPublishRejectedException} (the hub refused the
 * publish: a 4xx other than 408 and 429, not retried) and {@link HubPublishFailedException} (the
 * retries were spent; its cause is the last {@link ConnectionFailedException} or
 * {@code HubPublishRejectedException}).
 *
 * <p>Both response failures extend {@link UnexpectedResponseException}. Other problems (a listener
 * that throws, a request the HTTP client refuses, an interrupted {@link EventStream} consumer) are
 * reported as a plain {@code HeraldClientException}. {@link #status()} holds the HTTP status when
 * the server sent one.
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

  /**
   * The HTTP status of the response that caused this error; present for an
   * {@link UnexpectedResponseException}, empty for other errors.
   */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
