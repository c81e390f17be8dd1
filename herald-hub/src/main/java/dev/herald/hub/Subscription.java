package dev.herald.hub;

import dev.herald.core.EncodedEvent;
import dev.herald.server.SseStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * One subscriber's stream and selectors, and the seam between history replay and live delivery.
 * A subscription starts <em>replaying</em>: live events handed to {@link #deliver} are kept in a
 * bounded buffer while the replay sends history with {@link #sendReplayed}. {@link #goLive}
 * then, under the subscription's lock, sends the buffered events newer than the last one sent
 * and switches to live delivery, which from then on sends only ids above the last one sent. So
 * an event reaches the subscriber once, in id order, whether it came from history, the buffer or
 * live delivery.
 *
 * <p>Threading: thread-safe. {@link #deliver} runs on the store's listener thread, the replay
 * methods on the replay thread; both hold the subscription's lock only to queue bytes on the
 * stream, which never blocks.
 */
final class Subscription {
  /** The most live events buffered while replaying; past it the stream is closed as slow. */
  static final int DEFAULT_MAX_PENDING = 10_000;

  private final SseStream stream;
  private final List<TopicSelector> selectors;
  private final HubMetrics metrics;
  private final int maxPending;
  private final boolean envelope;
  private final Object lock = new Object();

  private ArrayDeque<StoredEvent> pending = new ArrayDeque<>(); // guarded by lock; null once live or closed
  private boolean live; // guarded by lock
  private boolean closed; // guarded by lock
  private long lastSentId; // guarded by lock

  Subscription(SseStream stream, List<TopicSelector> selectors, HubMetrics metrics, int maxPending) {
    this(stream, selectors, metrics, maxPending, false);
  }

  /**
   * With {@code envelope}, each event is sent unnamed with JSON data holding its topics, time,
   * name and data (see {@link StoredEvent#envelope()}), for clients that need the topic, such as
   * the web UI.
   */
  Subscription(SseStream stream, List<TopicSelector> selectors, HubMetrics metrics, int maxPending, boolean envelope) {
    this.stream = Objects.requireNonNull(stream, "stream == null");
    this.selectors = List.copyOf(selectors);
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
    if (this.selectors.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs at least one selector");
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending < 1: " + maxPending);
    }
    this.maxPending = maxPending;
    this.envelope = envelope;
  }

  /** The wire form this subscriber gets, encoded once per event and format. */
  private EncodedEvent wire(StoredEvent event) {
    return envelope ? event.envelope() : event.encoded();
  }

  SseStream stream() {
    return stream;
  }

  List<TopicSelector> selectors() {
    return selectors;
  }

  /**
   * Listener thread: hands over a live event the broker matched. While replaying it is buffered
   * (a full buffer closes the stream; the client resumes with {@code Last-Event-ID}); once live it
   * is sent unless its id is not above the last one sent.
   */
  void deliver(StoredEvent event) {
    boolean overflow = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (!live) {
        if (pending.size() < maxPending) {
          pending.add(event);
          return;
        }
        closed = true;
        pending = null;
        overflow = true;
      } else if (event.id() > lastSentId) {
        lastSentId = event.id();
        if (stream.send(wire(event))) {
          metrics.delivered();
        }
      }
    }
    if (overflow) {
      metrics.slowConsumerClosed();
      stream.close();
    }
  }

  /**
   * Replay thread: sends {@code event} from history, unless its id is not above the last one
   * sent. Returns {@code false} once the subscription or its stream is closed (stop replaying).
   */
  boolean sendReplayed(StoredEvent event) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      if (event.id() <= lastSentId) {
        return true;
      }
      lastSentId = event.id();
      if (!stream.send(wire(event))) {
        return false;
      }
      metrics.replayed();
      return true;
    }
  }

  /** Replay thread: sets the position replay continues after (the client's resume id). */
  void startAfter(long id) {
    synchronized (lock) {
      lastSentId = Math.max(lastSentId, id);
    }
  }

  /** The id of the last event sent (or the resume point before any was sent). */
  long lastSentId() {
    synchronized (lock) {
      return lastSentId;
    }
  }

  /**
   * Replay thread: sends the buffered live events above the last id sent, in order, and switches
   * to live delivery. Returns {@code false} if the subscription was closed meanwhile.
   */
  boolean goLive() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      for (StoredEvent e : pending) {
        if (e.id() > lastSentId) {
          lastSentId = e.id();
          if (!stream.send(wire(e))) {
            break;
          }
          metrics.delivered();
        }
      }
      pending = null;
      live = true;
      return stream.isOpen();
    }
  }

  /** Whether live delivery has begun. */
  boolean isLive() {
    synchronized (lock) {
      return live;
    }
  }

  /** Stops all delivery and drops the buffer; called when the stream closed. Idempotent. */
  void close() {
    synchronized (lock) {
      closed = true;
      pending = null;
    }
  }

  @Override
  public String toString() {
    return "Subscription{" + selectors + ", " + stream + "}";
  }
}
