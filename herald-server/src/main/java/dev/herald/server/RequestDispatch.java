package dev.herald.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one complete request of a connection: matches it against the server's routes, answers
 * {@code 400}/{@code 404}/{@code 405} itself, runs a plain handler (or a static-file mount) on the
 * worker pool and hands its response back to the connection on the event loop, or asks the
 * connection to become an event stream for an SSE route. {@link #dispatch} is called on the
 * connection's event loop; the handler's completion may come on any thread and is moved back to
 * the loop before the connection is touched. Also starts the handler of a stream the connection
 * has become ({@link #runStream}). Runs the routing's {@link Filter}s: {@code before} on the
 * worker ahead of the handler (for an SSE route or a 404/405 answer on a worker of its own, before
 * the stream starts or the answer goes out), {@code after} on every response it writes. Holds no
 * state of its own beyond the connection.
 */
final class RequestDispatch {
  // the category these messages had before this class was split out of the connection handler
  private static final Logger log = LoggerFactory.getLogger(HttpServerHandler.class);

  /** The connection a dispatch answers; both methods are called on its event loop. */
  interface Connection {
    /** Loop: writes the response of the current request, then moves on to the next one. */
    void respond(FullHttpResponse response, boolean keepAlive);

    /** Loop: turns the connection into an event stream served by {@code handler}. */
    void startStream(ServerRequest request, SseHandler handler);
  }

  private final ServerContext server;
  private final ChannelHandlerContext ctx;
  private final Connection connection;

  RequestDispatch(ServerContext server, ChannelHandlerContext ctx, Connection connection) {
    this.server = server;
    this.ctx = ctx;
    this.connection = connection;
  }

  /** Loop: routes {@code request}; exactly one response or stream follows, now or later. */
  void dispatch(ServerRequest request) {
    Router.Match match;
    try {
      match = request.method() == null
          ? unknownMethod(request.rawPath())
          : server.router().match(request.method(), request.rawPath());
    } catch (IllegalArgumentException e) { // not filtered: the request names no path a filter could judge
      server.refused(400);
      connection.respond(Responses.error(400, "Malformed path: " + e.getMessage(), request.keepAlive()), request.keepAlive());
      return;
    }
    if (match instanceof Router.NotFound) {
      beforeThen(request, () -> respondError(request, 404, "No route for " + request.methodName() + " " + request.path()));
    } else if (match instanceof Router.NotAllowed na) {
      beforeThen(request, () -> respondNotAllowed(request, na.allowed()));
    } else if (match instanceof Router.FileMount fm) {
      runPlain(request, () -> CompletableFuture.completedFuture(fm.mount().serve(fm.rest())));
    } else if (match instanceof Router.Found found) {
      ServerRequest routed = request.withPathParams(found.params());
      if (found.route().sse() != null) {
        beforeThen(routed, () -> connection.startStream(routed, found.route().sse()));
      } else {
        AsyncHandler handler = found.route().handler();
        runPlain(routed, () -> handler.handle(routed));
      }
    }
  }

  /**
   * Loop: runs the {@code before} filters on a worker, then {@code next} on the loop unless one of
   * them answered (or threw, answered like a handler's failure). Without filters (or for a method
   * Herald does not route) {@code next} runs at once.
   */
  private void beforeThen(ServerRequest request, Runnable next) {
    Filters filters = server.router().filters();
    if (filters.isEmpty() || request.method() == null) {
      next.run();
      return;
    }
    Runnable task = () -> {
      Optional<Response> early;
      try {
        early = filters.before(request);
      } catch (Throwable t) {
        failed(request, t);
        return;
      }
      if (early.isPresent()) {
        respondLater(request, early.get());
      } else {
        onLoop(next);
      }
    };
    if (!server.tryOnWorker(task)) {
      respondError(request, 503, "Server is busy");
    }
  }

  /** A method no route can have: {@code 405} if something serves the path, else {@code 404}. */
  private Router.Match unknownMethod(String rawPath) {
    Set<Method> allowed = server.router().allowed(rawPath);
    return allowed.isEmpty() ? new Router.NotFound() : new Router.NotAllowed(allowed);
  }

  /** Loop: runs the SSE {@code handler} of the stream {@code s} on an SSE handler thread. */
  void runStream(ServerRequest request, SseHandler handler, NettySseStream s) {
    boolean started = server.tryOnStreamWorker(() -> {
      try {
        handler.handle(request, s);
        s.handlerReturned();
      } catch (Throwable t) {
        s.handlerFailed(t);
      }
    });
    if (!started) {
      s.handlerFailed(new HttpException(503, "Server is busy"));
    }
  }

  private interface Call {
    CompletionStage<Response> call() throws Exception;
  }

  /** Runs {@code call} on a worker; its response is written on the loop whenever it completes. */
  private void runPlain(ServerRequest request, Call call) {
    Runnable task = () -> {
      CompletionStage<Response> stage;
      try {
        Optional<Response> early = request.method() == null ? Optional.empty() : server.router().filters().before(request);
        stage = early.isPresent() ? CompletableFuture.completedFuture(early.get()) : call.call();
        if (stage == null) {
          throw new IllegalStateException("handler returned null");
        }
      } catch (Throwable t) {
        failed(request, t);
        return;
      }
      stage.whenComplete((response, error) -> {
        if (error != null) {
          failed(request, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
        } else if (response == null) {
          failed(request, new IllegalStateException("handler completed with null"));
        } else {
          respondLater(request, response);
        }
      });
    };
    if (!server.tryOnWorker(task)) {
      respondError(request, 503, "Server is busy");
    }
  }

  /**
   * Worker: encodes a handler's (or a filter's) {@code response} (a {@code Response.json} value
   * by the server's codec, here rather than on the loop) and writes it on the loop.
   */
  private void respondLater(ServerRequest request, Response response) {
    boolean keepAlive = request.keepAlive() && !Responses.asksToClose(response);
    FullHttpResponse res;
    try {
      res = Responses.of(response, keepAlive, server.json());
    } catch (RuntimeException e) {
      failed(request, e);
      return;
    }
    onLoop(() -> respond(request, res, keepAlive));
  }

  /** Loop: lets the {@code after} filters see {@code res}, then writes it. */
  private void respond(ServerRequest request, FullHttpResponse res, boolean keepAlive) {
    server.router().filters().after(request, res.status().code(), false, res.headers());
    connection.respond(res, keepAlive);
  }

  /** Any thread: answers a handler's failure, its own status for {@link HttpException}, else 500. */
  private void failed(ServerRequest request, Throwable t) {
    if (t instanceof HttpException e) {
      onLoop(() -> respond(request, Responses.error(e, request.keepAlive()), request.keepAlive()));
    } else {
      log.error("Handler for {} failed", request, t);
      onLoop(() -> respondError(request, 500, "Internal server error"));
    }
  }

  /** Hands {@code task} to the event loop; after shutdown there is nobody left to answer. */
  private void onLoop(Runnable task) {
    try {
      ctx.executor().execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("Event loop gone; dropping a response for {}", ctx.channel());
    }
  }

  private void respondNotAllowed(ServerRequest request, Set<Method> allowed) {
    StringJoiner allow = new StringJoiner(", ");
    allowed.forEach(m -> allow.add(m.name()));
    FullHttpResponse res = Responses.error(405, "Method " + request.methodName() + " not allowed for " + request.path(),
        request.keepAlive());
    res.headers().set(HttpHeaderNames.ALLOW, allow.toString());
    respond(request, res, request.keepAlive());
  }

  private void respondError(ServerRequest request, int status, String message) {
    respond(request, Responses.error(status, message, request.keepAlive()), request.keepAlive());
  }
}
