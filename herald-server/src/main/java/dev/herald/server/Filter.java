package dev.herald.server;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A cross-cutting hook around every routed request, installed with
 * {@link Routing.Builder#filter(Filter)}: authentication, CORS ({@link Cors} is a filter),
 * security or cache headers. Implementations must be thread-safe; both methods have do-nothing
 * defaults, so a filter overrides one or both (or is made with {@link #before(Before)} or
 * {@link #after(BiConsumer)}).
 *
 * <p>Which requests: every request whose method is a {@link Method} ({@code GET}, {@code POST},
 * {@code PUT}, {@code DELETE}, {@code OPTIONS}), on plain and SSE routes, static files, and paths
 * that would answer {@code 404} or {@code 405} (so a filter can answer a CORS preflight
 * {@code OPTIONS} to a path routed for {@code GET} only). Not filtered: requests the server refuses
 * before they are complete or routable ({@code 400} for a malformed head, path or query,
 * {@code 408}, {@code 413}, {@code 414}, {@code 417}, {@code 429}, {@code 431}, {@code 501},
 * {@code 505}: those {@link HeraldServer.Builder#onRefused onRefused} is told of) and methods Herald does not route (e.g. {@code PATCH},
 * {@code HEAD}), which keep their plain {@code 404}/{@code 405}.
 *
 * <p>Order: {@code before} runs in registration order on a server worker thread, before the
 * route's handler (so it may block briefly, e.g. for a session lookup), and sees the matched
 * route's path parameters (none on a {@code 404}/{@code 405} path); the first filter that
 * answers ends the chain, and neither later filters' {@code before} nor the handler runs. Then
 * every filter's {@code after}, in registration order, sees the response that goes out — the
 * handler's, an error answer, a filter's early answer, or an event stream's head — whichever
 * filter answered. {@code after} may run on the network event loop and must be quick and never
 * block; one that throws is logged and the response goes out with the headers added so far.
 */
public interface Filter {
  /**
   * Runs before the handler. Empty to go on; a response to answer with it instead (the handler is
   * not run; on an SSE route no stream is started). Throwing {@link HttpException} answers with
   * its status and message; any other exception answers {@code 500} and is logged.
   */
  default Optional<Response> before(Request request) throws Exception {
    return Optional.empty();
  }

  /** Runs as the response to {@code request} is about to be sent; may add or replace headers. */
  default void after(Request request, ResponseHeaders response) {}

  /** The {@code before} part of a filter, as a lambda. */
  @FunctionalInterface
  interface Before {
    /** See {@link Filter#before(Request)}. */
    Optional<Response> before(Request request) throws Exception;
  }

  /** A filter with only a {@code before} step, e.g. an API-key check answering {@code 401}. */
  static Filter before(Before before) {
    Objects.requireNonNull(before, "before == null");
    return new Filter() {
      @Override
      public Optional<Response> before(Request request) throws Exception {
        return before.before(request);
      }
    };
  }

  /** A filter with only an {@code after} step, e.g. one adding {@code X-Content-Type-Options} to every response. */
  static Filter after(BiConsumer<Request, ResponseHeaders> after) {
    Objects.requireNonNull(after, "after == null");
    return new Filter() {
      @Override
      public void after(Request request, ResponseHeaders response) {
        after.accept(request, response);
      }
    };
  }
}
