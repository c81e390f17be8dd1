package dev.herald.server;

/**
 * Starts a server-sent event stream for one request. Runs on one of the server's SSE handler
 * threads (apart from plain handlers' threads, see {@link HeraldServer.Builder#sseHandlerThreads}),
 * or on the {@link HeraldServer.Builder#handlerExecutor handler executor} if one is given, never on
 * a network event loop; it may block, and may be called concurrently, so it must be thread-safe. Typical handlers
 * register the stream somewhere (for example a {@link Channel}) and return at once; the stream
 * stays open after the handler returns until it is closed.
 *
 * <p>The response headers are sent at the first write or when the handler returns, whichever
 * comes first; add headers of your own before that with {@link SseStream#header}. Throwing {@link HttpException} before anything was written answers with that
 * status (and its headers, such as a redirect's {@code Location}) instead of a stream; any other
 * exception before the first write answers {@code 500}; an exception after the first write
 * closes the stream with {@link CloseReason#ERROR}.
 */
@FunctionalInterface
public interface SseHandler {
  /** Handles {@code request}, writing events to {@code stream} now or later from any thread. */
  void handle(Request request, SseStream stream) throws Exception;
}
