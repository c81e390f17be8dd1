package dev.herald.client;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A blocking view of an {@link EventSource}: events wait in a bounded queue of
 * {@value #CAPACITY} events until taken. When the queue is full the source stops reading the
 * socket until an event is taken (backpressure to the server), so nothing is dropped.
 *
 * <p>When the source closes, taking past the last queued event throws: a
 * {@link HeraldClientException} if it closed because of an error (a status, a content type, or a
 * network error with a policy that does not retry), {@link java.util.NoSuchElementException} if it
 * closed cleanly (a 204, or {@link #close()}). Meant for one consuming thread; {@link #close()} may
 * be called from any thread and wakes a blocked consumer.
 */
public interface EventStream extends AutoCloseable, Iterable<MessageEvent> {
  /** How many received events may wait in the queue before the source stops reading. */
  int CAPACITY = 1024;

  /** The source feeding this stream, for its state and last event id. */
  EventSource source();

  /**
   * The next event, waiting up to {@code timeout}; empty if none arrived in time.
   *
   * @throws HeraldClientException if the source closed with an error and no event is left
   * @throws java.util.NoSuchElementException if the source closed cleanly and no event is left
   */
  Optional<MessageEvent> next(Duration timeout);

  /**
   * The next event, waiting as long as it takes.
   *
   * @throws HeraldClientException if the source closed with an error and no event is left, or
   *     if the thread was interrupted
   * @throws java.util.NoSuchElementException if the source closed cleanly and no event is left
   */
  MessageEvent take();

  /**
   * The events as a sequential stream that ends when the source closes cleanly (and throws
   * {@link HeraldClientException} when it closes with an error); closing the stream closes the
   * source.
   */
  Stream<MessageEvent> events();

  /** Closes the source; events still queued are dropped. Idempotent, any thread. */
  @Override
  void close();
}
