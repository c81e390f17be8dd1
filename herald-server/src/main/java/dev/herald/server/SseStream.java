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
 * <p>Each stream has an outbound byte bound ({@link HeraldServer.Builder#maxBufferedBytes}),
 * counted over the bytes queued on the stream and not yet written to the socket
 * ({@link #bufferedBytes()}). The bound limits the backlog an event joins, not the event: a send
 * is refused, and the stream closed with {@link CloseReason#SLOW_CONSUMER}, when the bytes
 * already buffered before it are at or above the bound. An event is never refused for its own
 * size, so a stream always carries one whole event however large, and holds at most the bound
 * plus one event. A client that is closed as slow is expected to resume with
 * {@code Last-Event-ID}. Once closed, every send returns {@code false}.
 *
 * <p>Pacing: a producer that must not overrun a slow client sends while {@link #isWritable()}
 * and otherwise registers {@link #onWritable(Runnable)} to continue once the stream has drained
 * to its low-water mark, half the bound. A client that stops reading is still cut off: with
 * heartbeats on, a heartbeat falls due after a whole interval in which nothing was written, and
 * if the stream has not drained to its low-water mark by then, the stream is closed with
 * {@link CloseReason#SLOW_CONSUMER} instead (so a paced stream is closed when its reader takes
 * less than about half the bound in a heartbeat interval; with heartbeats off it stays parked,
 * holding at most the bound plus one event).
 */
public interface SseStream {
  /**
   * Adds response header {@code name: value} to this stream's response head, e.g. a custom
   * {@code Cache-Control} or an auth-related header; returns this stream. Works until the head is
   * sealed: at the first {@code send}, {@code comment} or {@code retry}, at {@link #close()}, or
   * when the handler returns (or throws), whichever comes first; after that it throws
   * {@link IllegalStateException}, even if the head has not reached the network yet. So set
   * headers in the handler before the first event. Several values of one name are all sent.
   *
   * <p>The server sets {@code Content-Type: text/event-stream; charset=utf-8} and the framing
   * headers ({@code Connection}, {@code Transfer-Encoding}, {@code Content-Length}) itself: naming
   * one of them throws {@link IllegalArgumentException}. {@code Cache-Control: no-cache} and
   * {@code X-Accel-Buffering: no} are defaults: a value set here replaces them. An invalid name or
   * a value containing CR, LF or NUL throws {@link IllegalArgumentException} naming the header.
   * {@link Filter#after after filters} run after these headers are in place and may add more. The
   * headers set here belong to the stream: if the handler throws before the first send, its error
   * answer does not carry them (use {@link HttpException#withHeader}). On a stream whose handler
   * has not returned but whose client is already gone, a header is accepted and never sent.
   *
   * <p>The default implementation throws {@link UnsupportedOperationException}; the server's
   * streams implement it.
   */
  default SseStream header(String name, String value) {
    throw new UnsupportedOperationException("this SseStream does not support response headers");
  }

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
   * registered while the stream is open run on a server worker thread, in registration order,
   * once it closes. On a closed stream ({@link #isOpen()} false, also right after
   * {@link #close()} returned, before the close has reached the connection) the callback runs at
   * once on the calling thread, before this method returns, possibly before callbacks registered
   * earlier that are still waiting for their worker.
   */
  void onClose(Consumer<CloseReason> callback);

  /**
   * Bytes queued on this stream or handed to the connection and not yet written to the socket;
   * the count the byte bound applies to. A snapshot that may change at once; 0 once closed and
   * released.
   */
  long bufferedBytes();

  /**
   * Whether a send now would be accepted: the stream is open and {@link #bufferedBytes()} is
   * below the bound. A snapshot: another thread's send may change it at once.
   */
  boolean isWritable();

  /**
   * Registers {@code callback} to run once, when {@link #bufferedBytes()} has drained to the
   * low-water mark (half the bound) or below; if it already has, the callback is scheduled at
   * once. Each registration runs at most once; register again to wait again. While the server
   * runs, callbacks run on a server worker thread, not on the connection's event loop nor on the
   * registering thread (so a callback may register again without recursing); they may send, and
   * should hand long work to their own executor. If the stream
   * closes before the callback runs, the callback is dropped and never runs: use
   * {@link #onClose} to learn of the close. On a closed stream this does nothing.
   */
  void onWritable(Runnable callback);
}
