package dev.herald.server;

import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One open server-sent event stream to one client. Every method is thread-safe and may be
 * called from any thread, also after the handler has returned; writes are handed to the
 * connection's event loop and flushed in batches.
 *
 * <p>Each stream has an outbound byte bound ({@link HeraldServer.Builder#maxBufferedBytes});
 * a client that reads too slowly is disconnected with {@link CloseReason#SLOW_CONSUMER} and is
 * expected to resume with {@code Last-Event-ID}. Once closed, every send returns {@code false}.
 */
public interface SseStream {
  /** Queues {@code event}; {@code false} if the stream is closed (or this send closed it). */
  boolean send(SseEvent event);

  /**
   * Queues an event encoded once elsewhere, e.g. for many streams; the bytes are shared, not
   * copied or encoded again. {@code false} if the stream is closed (or this send closed it).
   */
  boolean send(EncodedEvent event);

  /** Queues an unnamed event carrying {@code data}; see {@link SseEvent#of(String)}. */
  default boolean send(String data) {
    return send(SseEvent.of(data));
  }

  /** Queues an event named {@code event} carrying {@code data}. */
  default boolean send(String event, String data) {
    return send(SseEvent.of(event, data));
  }

  /** Queues a comment line, which clients ignore. */
  default boolean comment(String text) {
    return send(SseEvent.comment(text));
  }

  /** Queues a {@code retry:} field telling the client how long to wait before reconnecting. */
  default boolean retry(Duration retry) {
    return send(SseEvent.retry(retry));
  }

  /** Ends the stream from the server side ({@link CloseReason#SERVER_CLOSE}) after queued events. */
  void close();

  /** Whether the stream is still open; {@code false} once any close has begun. */
  boolean isOpen();

  /**
   * The id the client last saw: the {@code Last-Event-ID} header, else the {@code lastEventId}
   * query parameter; an empty value counts as absent.
   */
  Optional<String> lastEventId();

  /** The request that opened the stream. */
  Request request();

  /**
   * Registers {@code callback} to run exactly once with the reason the stream closed. Callbacks
   * run on a server worker thread, in registration order; if the stream is already closed the
   * callback runs at once on the calling thread.
   */
  void onClose(Consumer<CloseReason> callback);
}
