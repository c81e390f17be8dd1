package dev.herald.server;

/**
 * The HTTP methods a {@link Routing} can route. Immutable and thread-safe; other methods (e.g.
 * {@code HEAD}, {@code PATCH}) are not routed and get {@code 405} (or {@code 404} for a path
 * nothing serves). An {@code OPTIONS} request no route and no {@link Filter} answers gets
 * {@code 405} too.
 */
public enum Method {
  /** Reads a resource; also the method of every {@code EventSource} connection. */
  GET,
  /** Submits a body, e.g. a publish or an LLM-style prompt answered with an event stream. */
  POST,
  /** Replaces a resource with the body. */
  PUT,
  /** Removes a resource. */
  DELETE,
  /**
   * Asks what a resource allows; browsers send it as the CORS preflight, which a {@link Cors}
   * filter answers.
   */
  OPTIONS
}
