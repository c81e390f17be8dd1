package dev.herald.server;

/**
 * Answers one plain HTTP request with a {@link Response}. Runs on a server worker thread, never
 * on a network event loop, so it may block briefly; it may be called concurrently for different
 * requests and must be thread-safe.
 *
 * <p>Throw {@link HttpException} to answer with its status and headers (a redirect:
 * {@link HttpException#redirect}); any other exception becomes a {@code 500} whose body
 * carries no stack trace.
 */
@FunctionalInterface
public interface Handler {
  /** Handles {@code request} and returns the response to send. */
  Response handle(Request request) throws Exception;
}
