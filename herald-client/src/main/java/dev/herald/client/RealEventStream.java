package dev.herald.client;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The {@link EventStream}: a listener that queues events (at most {@link #CAPACITY}; the
 * delivering thread waits for room, which stops the source reading) and remembers why the source
 * closed. Thread-safe.
 */
final class RealEventStream implements EventStream, EventSourceListener {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<MessageEvent> queue = new ArrayDeque<>();
  // Guarded by lock.
  private boolean ended;
  private boolean closedByUser;
  private HeraldClientException failure;
  private volatile EventSource source;
  /** The delivering thread waits for room in a full queue (so the source reads nothing); for tests. */
  private volatile boolean waitingForRoom;

  void attach(EventSource source) {
    this.source = source;
  }

  /** Whether the delivering thread waits for room in the full queue; for tests. */
  boolean waitingForRoom() {
    return waitingForRoom;
  }

  @Override
  public EventSource source() {
    return source;
  }

  @Override
  public void onEvent(EventSource source, MessageEvent event) {
    lock.lock();
    try {
      while (queue.size() >= CAPACITY && !ended) {
        waitingForRoom = true;
        try {
          notFull.await();
        } finally {
          waitingForRoom = false;
        }
      }
      if (!ended) {
        queue.add(event);
        notEmpty.signal();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onError(EventSource source, HeraldClientException error, boolean willRetry) {
    if (!willRetry) {
      lock.lock();
      try {
        failure = error;
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void onClosed(EventSource source) {
    lock.lock();
    try {
      ended = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<MessageEvent> next(Duration timeout) {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (queue.isEmpty() && !ended) {
        if (nanos <= 0) {
          return Optional.empty();
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return Optional.of(poll());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeraldClientException("interrupted while waiting for an event", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public MessageEvent take() {
    lock.lock();
    try {
      while (queue.isEmpty() && !ended) {
        notEmpty.await();
      }
      return poll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeraldClientException("interrupted while waiting for an event", e);
    } finally {
      lock.unlock();
    }
  }

  /** The head of the queue, or the end: under lock, with the queue not empty or ended. */
  private MessageEvent poll() {
    MessageEvent event = queue.poll();
    if (event != null) {
      notFull.signal();
      return event;
    }
    if (failure != null && !closedByUser) {
      throw failure; // the typed exception the source closed with, e.g. an UnexpectedStatusException
    }
    throw new NoSuchElementException("the event source is closed");
  }

  @Override
  public Iterator<MessageEvent> iterator() {
    return new Iterator<>() {
      private MessageEvent next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = take();
          } catch (NoSuchElementException e) {
            return false;
          }
        }
        return true;
      }

      @Override
      public MessageEvent next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        MessageEvent event = next;
        next = null;
        return event;
      }
    };
  }

  @Override
  public Stream<MessageEvent> events() {
    Spliterator<MessageEvent> spliterator =
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(spliterator, false).onClose(this::close);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closedByUser = true;
      ended = true;
      queue.clear();
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    EventSource s = source;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public String toString() {
    return "EventStream{" + source + '}';
  }
}
