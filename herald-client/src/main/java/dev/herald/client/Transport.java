package dev.herald.client;

import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one {@link Request}, handing the response to the {@link Exchange} (its status and headers
 * to {@code apply}, then its body as a {@code BodySubscriber}). The returned future fails if the
 * request fails before the body is subscribed; cancelling it aborts the request. A test seam:
 * tests wrap {@link #of} to make sending (or building the request) throw.
 */
interface Transport {
  /**
   * Sends {@code request}; may throw at once (e.g. a header value the JDK client refuses), which
   * the exchange reports as an error that closes the source.
   */
  CompletableFuture<?> send(Request request, Exchange exchange);

  /**
   * The JDK client for every request it can encode exactly, and {@link RawHttp} (one HTTP/1.1
   * connection of its own, honouring the client's redirect policy and TLS context) for the others.
   */
  static Transport of(HttpClient client) {
    return (request, exchange) -> request.jdkCanEncode()
        ? client.sendAsync(request.toHttpRequest(), exchange)
        : RawHttp.send(client, request, exchange, Shared.EXECUTOR);
  }
}
