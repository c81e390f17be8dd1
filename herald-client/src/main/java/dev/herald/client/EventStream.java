package dev.herald.client;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A blocking view of an {@link EventSource}: events wait in a bounded queue of
 * {@value #CAPACITY} events until taken. When the queue is full the source stops reading the
 * socket until an event is taken (backpressure to the server), so nothing is dropped.
 *
 * <p><b>How the end is signalled</b> (one rule for every method): events queued before the end
 * are always handed out first; then
 *
 * <ul>
 *   <li><b>clean end</b> (a 204, the normal end of a {@link ReconnectPolicy#never()} stream, or
 *       {@link #close()}): iteration and {@link #events()} end (no exception); {@link #take()} and
 *       {@link #next(Duration)} throw {@link java.util.NoSuchElementException};
 *   <li><b>end by an error</b> (a status, a content type, a stream that ended abruptly, or any
 *       error a policy does not retry): every method, iteration and {@link #events()} included,
 *       throws the {@link HeraldClientException} the source closed with (its subclass, e.g.
 *       {@link UnexpectedStatusException} or {@link StreamEndedException}), again on every call.
 * </ul>
 *
 * <p>{@link #next(Duration)} returns empty only when the timeout passed with the source still
 * running, never at the end. An interrupted consumer gets a {@code HeraldClientException} with the
 * thread's interrupt flag set again. Errors a policy retries are not seen here (the source
 * reconnects). Meant for one consuming thread; {@link #close()} may be called from any thread and
 * wakes a blocked consumer.
 */
public interface EventStream extends AutoCloseable, Iterable<MessageEvent> {
  /** How many received events may wait in the queue before the source stops reading. */
  int CAPACITY = 1024;

  /** The source feeding this stream, for its state and last event id. */
  EventSource source();

  /**
   * The next event, waiting up to {@code timeout}; empty only if none arrived in time while the
   * source is still running.
   *
   * @throws HeraldClientException if the source closed with an error and no event is left (the
   *     source's own exception), or if the thread was interrupted
   * @throws java.util.NoSuchElementException if the source closed cleanly and no event is left
   */
  Optional<MessageEvent> next(Duration timeout);

  /**
   * The next event, waiting as long as it takes.
   *
   * @throws HeraldClientException if the source closed with an error and no event is left (the
   *     source's own exception), or if the thread was interrupted
   * @throws java.util.NoSuchElementException if the source closed cleanly and no event is left
   */
  MessageEvent take();

  /**
   * The events as a sequential stream that ends when the source closes cleanly and throws the
   * source's {@link HeraldClientException} when it closes with an error, like iteration; closing
   * the stream closes the source.
   */
  Stream<MessageEvent> events();

  /**
   * The events in order: {@code hasNext()} waits for the next event, returns {@code false} at a
   * clean end and throws the source's {@link HeraldClientException} at an end by an error.
   */
  @Override
  Iterator<MessageEvent> iterator();

  /** Closes the source (a clean end); events still queued are dropped. Idempotent, any thread. */
  @Override
  void close();
}
