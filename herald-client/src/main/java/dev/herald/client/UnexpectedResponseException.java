package dev.herald.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server answered, but not with an event stream: the common type of
 * {@link UnexpectedStatusException} and {@link UnexpectedContentTypeException}, carrying the
 * response's status and headers. The source closes (unless it retries a 5xx or 429, see
 * {@link EventSource.Builder#retryOnServerError}).
 */
public class UnexpectedResponseException extends HeraldClientException {
  private static final long serialVersionUID = 1L;

  private final ResponseHead response;

  UnexpectedResponseException(String message, ResponseHead response) {
    super(message, response.status(), null);
    this.response = response;
  }

  /** The status and headers of the response. */
  public ResponseHead response() {
    return response;
  }

  /** The HTTP status code of the response (also in {@link #status()}). */
  public int statusCode() {
    return response.status();
  }

  /** The response's headers: immutable, names looked up case-insensitively. */
  public Map<String, List<String>> headers() {
    return response.headers();
  }

  /** The first value of header {@code name} (case-insensitive), or empty if absent. */
  public Optional<String> firstHeader(String name) {
    return response.firstHeader(name);
  }
}
