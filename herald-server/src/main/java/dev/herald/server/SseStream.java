package dev.herald.server;

import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One open server-sent event stream to one client. Every method is thread-safe and may be
 * called from any thread, also after the handler has returned; writes are handed to the
 * connection's event loop and flushed in batches.
 *
 * <p>Each stream has an outbound byte bound ({@link HeraldServer.Builder#maxBufferedBytes}),
 * counted over the bytes queued on the stream and not yet written to the socket
 * ({@link #bufferedBytes()}). The bound limits the backlog an event joins, not the event: an
 * event is accepted while the bytes already buffered before it are below the bound, whatever its
 * own size, so a stream always carries one whole event however large, and holds at most the
 * bound plus one event. What happens to an event that finds the backlog at the bound depends on
 * how it is sent; there are two policies:
 *
 * <ul>
 *   <li><b>Broadcast: {@link #send(SseEvent) send}.</b> The send is refused and the stream closed
 *       with {@link CloseReason#SLOW_CONSUMER}; events already queued on it are dropped. The
 *       client is expected to reconnect and resume with {@code Last-Event-ID}. Right for a hub
 *       or a {@link Channel}, where one event goes to many clients and a slow one must not hold
 *       the others or the producer back. Once closed, every send returns {@code false}.
 *   <li><b>Paced: {@link #sendWhenWritable(SseEvent) sendWhenWritable},
 *       {@link #awaitWritable(Duration) awaitWritable}, {@link #onWritable(Runnable)
 *       onWritable}.</b> The producer waits for the client: the event waits until the stream has
 *       drained to its low-water mark (half the bound), and the stream is never closed for
 *       being at the bound. Right for an app streaming its own data to one client (an export, a
 *       long LLM answer, a replay), where every event must arrive and the producer can go at the
 *       client's pace.
 * </ul>
 *
 * <p>A paced client that stops reading is still cut off: with heartbeats on, a heartbeat falls
 * due after a whole interval in which nothing was written, and if the stream has not drained to
 * its low-water mark by then, the stream is closed with {@link CloseReason#SLOW_CONSUMER}
 * instead; paced sends still waiting then complete {@code false} and {@link #awaitWritable}
 * returns {@code false}. So a paced stream is closed when its reader takes less than about half
 * the bound in a heartbeat interval; with heartbeats off it stays parked, holding at most the
 * bound plus one event (plus the paced events waiting, see {@link #sendWhenWritable}).
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
   */
  SseStream header(String name, String value);

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

  /**
   * Ends the stream from the server side ({@link CloseReason#SERVER_CLOSE}) after queued events;
   * paced sends still waiting for room are dropped (their stages complete {@code false}).
   */
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
   * registered while the stream is open run on one of the server's callback threads (never
   * queued behind blocked handlers), in registration order, once it closes. On a closed stream ({@link #isOpen()} false, also right after
   * {@link #close()} returned, before the close has reached the connection) the callback runs at
   * once on the calling thread, before this method returns, possibly before callbacks registered
   * earlier that are still waiting for their callback thread.
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
   * runs, callbacks run on a server callback thread (never queued behind blocked handlers), not on
   * the connection's event loop nor on the
   * registering thread (so a callback may register again without recursing); they may send, and
   * should hand long work to their own executor. If the stream
   * closes before the callback runs, the callback is dropped and never runs: use
   * {@link #onClose} to learn of the close. On a closed stream this does nothing.
   */
  void onWritable(Runnable callback);

  /**
   * Sends {@code event} at the client's pace (the paced policy described on {@link SseStream}):
   * queues it at once if the stream has room (its backlog is below the bound) and no earlier
   * paced event is waiting, and otherwise keeps it until the stream has drained to its
   * low-water mark (half the bound), then queues it. No thread is held while it waits, and the
   * stream is never closed for being at the bound.
   *
   * <p>The stage completes {@code true} once the event is queued on the stream and counted in
   * {@link #bufferedBytes()}: the point at which {@link #send(SseEvent)} returns {@code true},
   * not when the bytes reach the socket nor the client. It is the signal to send the next event:
   * a producer that sends on completion keeps the backlog near the bound, so the socket always
   * has bytes to write, and holds at most one event waiting. It completes {@code false} if the
   * stream closed before the event was queued (the event is dropped), and a queued event is lost
   * if the stream closes before it is written, as with {@code send}: a client that must not miss
   * events resumes with {@code Last-Event-ID}. A stage whose event was queued at once is returned
   * already complete (dependent actions run on the calling thread); one that waited completes on
   * a server callback thread, never the connection's event loop, so dependent actions should hand
   * long work to their own executor. The stage cannot be completed or cancelled by the caller.
   *
   * <p>A loop that holds no thread continues from the stage only when it waited (continuing from
   * every stage would recurse once per event sent at once):
   *
   * <pre>{@code
   * void sendAll(Iterator<SseEvent> events, SseStream stream) {
   *   while (events.hasNext()) {
   *     CompletableFuture<Boolean> sent = stream.sendWhenWritable(events.next()).toCompletableFuture();
   *     if (!sent.isDone()) {
   *       sent.thenAccept(ok -> { if (ok) sendAll(events, stream); });
   *       return;
   *     }
   *     if (!sent.join()) {
   *       return; // closed
   *     }
   *   }
   *   stream.close();
   * }
   * }</pre>
   *
   * <p>Order: paced events go out in the order of the calls (calls on one thread, or ordered by
   * happens-before), and an event sent by any method after a paced send's stage completed
   * follows it. A plain {@code send} made while paced events wait goes ahead of them, and is
   * refused with a close if the stream is at its bound: do not mix the two while events wait.
   * Events waiting are held in memory outside the bound until they are queued; a producer that
   * sends without waiting for the stages holds all of its unsent events there. Paced events
   * still waiting when the stream closes complete {@code false}, also at a {@link #close()}, and
   * so do those of a stalled reader that a heartbeat closes (see above).
   */
  CompletionStage<Boolean> sendWhenWritable(SseEvent event);

  /**
   * {@link #sendWhenWritable(SseEvent)} for an event encoded once elsewhere; the bytes are
   * shared, not copied. Same completion, order and policy.
   */
  CompletionStage<Boolean> sendWhenWritable(EncodedEvent event);

  /**
   * Blocks the calling thread until the stream is {@linkplain #isWritable() writable}, it
   * closes, or {@code timeout} passes, and says whether it is writable: the blocking form of
   * {@link #onWritable} for a simple handler loop ({@code while (stream.awaitWritable(t))
   * stream.send(next())}). Returns at once if the stream is writable or closed; otherwise waits
   * until the stream has drained to its low-water mark (half the bound) or closed. {@code false}
   * means timed out or closed: check {@link #isOpen()} to tell which. A zero or negative timeout
   * only looks. A producer that is the stream's only sender and sends one event after each
   * {@code true} never has a send refused for the bound. A heartbeat that finds a stalled
   * reader closes the stream (see above), which ends the wait with {@code false}.
   *
   * <p>It holds the calling thread while it waits. Called from an SSE handler, that is one of
   * the server's {@linkplain HeraldServer.Builder#sseHandlerThreads SSE handler threads} (never
   * one that plain requests or callbacks need) for as long as the stream lasts: fine for tens or
   * hundreds of such streams; for more, give the server a
   * {@linkplain HeraldServer.Builder#handlerExecutor handler executor} of virtual threads, or use
   * {@link #sendWhenWritable}, which holds no thread.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting (also by
   *     {@link HeraldServer#close()}, which interrupts handlers on the server's own threads after its
   *     grace)
   * @throws IllegalStateException if called on the connection's event loop, whose writes it
   *     would wait for
   */
  boolean awaitWritable(Duration timeout) throws InterruptedException;
}
