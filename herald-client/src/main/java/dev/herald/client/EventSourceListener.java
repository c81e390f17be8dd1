package dev.herald.client;

import dev.herald.core.MessageEvent;

/**
 * Receives what an {@link EventSource} sees. Every method does nothing by default.
 *
 * <p>Threading: for one source, methods are called one at a time and in stream order, on a thread
 * of the source's executor (see {@link EventSource.Builder#executor}); a slow listener slows the
 * reading of that source only (backpressure), never other sources. A listener may call
 * {@link EventSource#close()}; after {@link #onClosed} nothing more is called. An exception thrown
 * by a listener method is reported to {@link #onError} and closes the source.
 */
public interface EventSourceListener {

  /**
   * The server answered 200 with {@code text/event-stream}: the source is {@link ReadyState#OPEN}.
   * Called by {@link #onOpen(EventSource, ResponseHead)} unless that is overridden; override this
   * one when the response's status and headers do not matter.
   */
  default void onOpen(EventSource source) {}

  /**
   * The server answered 200 with {@code text/event-stream}: the source is {@link ReadyState#OPEN}
   * and {@code response} holds the status and headers of that response (after redirects), e.g. a
   * request id or a rate-limit header. Called on every (re)connect that opens a stream; what the
   * source calls. By default calls {@link #onOpen(EventSource)}, so a listener overrides one of the
   * two.
   */
  default void onOpen(EventSource source, ResponseHead response) {
    onOpen(source);
  }

  /** An event was dispatched; {@code event.lastEventId()} is the last event id in force. */
  default void onEvent(EventSource source, MessageEvent event) {}

  /** A comment line arrived (e.g. a heartbeat); {@code comment} is everything after the colon. */
  default void onComment(EventSource source, String comment) {}

  /**
   * The connection failed or ended. If {@code willRetry}, the source reconnects after its
   * reconnection delay (sending {@code Last-Event-ID}); otherwise {@link #onClosed} follows.
   * {@code error} is one of the subclasses listed in {@link HeraldClientException} (e.g. an
   * {@link UnexpectedStatusException} with the response's body), or the base class for a listener
   * that threw.
   */
  default void onError(EventSource source, HeraldClientException error, boolean willRetry) {}

  /** The source is {@link ReadyState#CLOSED} for good; the last call this listener receives. */
  default void onClosed(EventSource source) {}
}
