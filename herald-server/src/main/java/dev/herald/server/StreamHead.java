package dev.herald.server;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The response head of one event stream: the headers its handler adds ({@link SseStream#header})
 * until the head is sealed, then the head itself, built once on the event loop with the server's
 * mandatory headers and passed through the routing's {@code after} filters. Thread-safe:
 * {@link #add} and {@link #seal} are called on any thread, {@link #build} on the loop.
 */
final class StreamHead {
  private final List<String[]> added = new ArrayList<>(); // guarded by this
  private volatile boolean sealed; // written under this

  /** Any thread: adds {@code name: value}; {@code stream} names the stream in the messages. */
  void add(String name, String value, Object stream) {
    HeaderRules.check(name, value);
    if (HeaderRules.isOneOf(name, NettyResponseHeaders.STREAM_OWNED)) {
      throw new IllegalArgumentException(name + " is set by the server on event streams ("
          + (name.equalsIgnoreCase("Content-Type") ? "always text/event-stream; charset=utf-8" : "framing")
          + "); it cannot be set");
    }
    synchronized (this) {
      if (sealed) {
        throw new IllegalStateException("header " + name + " set too late on " + stream + ": the response head"
            + " is already fixed (at the first send, comment or retry, at close(), or when the handler returned);"
            + " set headers in the handler before the first event");
      }
      added.add(new String[] {name, value});
    }
  }

  /** Any thread: no header may be added any more. Cheap once sealed. */
  void seal() {
    if (!sealed) {
      synchronized (this) {
        sealed = true;
      }
    }
  }

  /**
   * Loop: seals and builds the {@code 200} head, {@code chunked} for HTTP/1.1 or ended by close for
   * 1.0. It always says {@code Connection: close}: the server closes an event stream's connection
   * when the stream ends (after the last chunk), so a client must not pool it for another request.
   * With {@code keep-alive} a client that read the last chunk (the JDK HttpClient does) put the
   * connection back in its pool and could send its next request, e.g. a POST it does not retry,
   * on a socket the server was closing ("header parser received no bytes").
   */
  HttpResponse build(boolean chunked, Request request, Filters filters) {
    seal();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
        .set("X-Accel-Buffering", "no")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (chunked) {
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    synchronized (this) {
      for (String[] h : added) { // a handler's value replaces the default of the same name
        if (h[0].equalsIgnoreCase("Cache-Control") || h[0].equalsIgnoreCase("X-Accel-Buffering")) {
          head.headers().remove(h[0]);
        }
      }
      for (String[] h : added) {
        head.headers().add(h[0], h[1]);
      }
    }
    filters.after(request, 200, true, head.headers());
    return head;
  }
}
