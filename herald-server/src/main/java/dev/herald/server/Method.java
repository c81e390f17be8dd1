package dev.herald.server;

/**
 * The HTTP methods a {@link Routing} can route. Immutable and thread-safe; {@code HEAD} and
 * {@code OPTIONS} are not routed and get {@code 405}.
 */
public enum Method {
  /** Reads a resource; also the method of every {@code EventSource} connection. */
  GET,
  /** Submits a body, e.g. a publish or an LLM-style prompt answered with an event stream. */
  POST,
  /** Replaces a resource with the body. */
  PUT,
  /** Removes a resource. */
  DELETE
}
