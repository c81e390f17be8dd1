package dev.herald.server;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Filter}s of a routing, in registration order, and how they are run. Immutable. */
final class Filters {
  private static final Logger log = LoggerFactory.getLogger(Filters.class);

  private final List<Filter> filters;

  Filters(List<Filter> filters) {
    this.filters = List.copyOf(filters);
  }

  boolean isEmpty() {
    return filters.isEmpty();
  }

  /**
   * Runs every {@code before} in order until one answers; empty if none did. Exceptions propagate
   * (the caller answers them as it answers a handler's).
   */
  Optional<Response> before(Request request) throws Exception {
    for (Filter f : filters) {
      Optional<Response> answer = f.before(request);
      if (answer == null) {
        throw new IllegalStateException("filter " + f + " returned null from before(); return Optional.empty() to go on");
      }
      if (answer.isPresent()) {
        return answer;
      }
    }
    return Optional.empty();
  }

  /** Runs every {@code after} in order on {@code headers}; one that throws is logged and skipped. */
  void after(Request request, int status, boolean eventStream, HttpHeaders headers) {
    if (filters.isEmpty() || request.method() == null) {
      return;
    }
    ResponseHeaders view = new NettyResponseHeaders(status, eventStream, headers);
    for (Filter f : filters) {
      try {
        f.after(request, view);
      } catch (RuntimeException e) {
        log.error("after filter {} failed for {}; the response goes out with the headers added so far", f, request, e);
      }
    }
  }
}
