package dev.herald.client;

import java.net.URI;
import java.util.Optional;

/**
 * The server answered 200 with a content type other than {@code text/event-stream} (or none);
 * the body is not read. The source closes.
 */
public final class UnexpectedContentTypeException extends UnexpectedResponseException {
  private static final long serialVersionUID = 1L;

  UnexpectedContentTypeException(URI uri, ResponseHead response) {
    super("unexpected content type " + response.firstHeader("Content-Type").orElse("(none)") + " from " + uri,
        response);
  }

  /** The {@code Content-Type} received, or empty if the response had none. */
  public Optional<String> contentType() {
    return firstHeader("Content-Type");
  }
}
