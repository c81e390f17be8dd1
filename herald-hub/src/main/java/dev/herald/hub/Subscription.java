package dev.herald.hub;

import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEvent;
import dev.herald.server.SseStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One subscriber's stream and selectors, and the seam between history replay and live delivery.
 * A subscription starts <em>replaying</em>: live events handed to {@link #deliver} are kept in a
 * bounded buffer while the replay sends history with {@link #sendReplayed}. {@link #goLive}
 * then, under the subscription's lock, sends the buffered events newer than the last one sent
 * and switches to live delivery, which from then on sends only ids above the last one sent. So
 * an event reaches the subscriber once, in id order, whether it came from history, the buffer or
 * live delivery.
 *
 * <p>The buffer is bounded in events ({@code maxPending}) and bytes ({@code maxPendingBytes}).
 * A long replay (the client reads slowly, or much history is owed) may outgrow it; then the
 * buffer is dropped and the subscription marked <em>overflowed</em>, and {@link #goLive}
 * answers {@link GoLive#REREAD}: the replay reads the store again after the last id sent. That
 * loses nothing, because the store holds every event before the broker hands it here (see
 * {@link HistoryStore}), and the buffer starts again empty at that moment, so everything after
 * the re-read is either in the store read or in the buffer.
 *
 * <p>Authorization: the subscription keeps its subscriber's {@link Access}; a private event is
 * sent only if {@link #mayReceive} (its claim covers one of the event's topics), whichever way it
 * comes (live, buffered or replayed). An envelope lists every topic of a public event (public
 * updates on any topic reach whoever subscribes to it) but only the claim's topics of a private
 * one ({@link #shownTopics}).
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
  private final Access access;
  private final Object lock = new Object();

  private final long maxPendingBytes;
  private ArrayDeque<StoredEvent> pending = new ArrayDeque<>(); // guarded by lock; null once live or closed
  private long pendingBytes; // guarded by lock
  private boolean overflowed; // guarded by lock: pending was dropped, the replay must re-read
  private boolean live; // guarded by lock
  private boolean closed; // guarded by lock
  private long lastSentId; // guarded by lock
  private String lastSentWireId; // guarded by lock: its wire id (or the resume id), null if none

  Subscription(SseStream stream, List<TopicSelector> selectors, HubMetrics metrics, int maxPending) {
    this(stream, selectors, metrics, maxPending, Long.MAX_VALUE, false, Access.open());
  }

  /**
   * With {@code envelope}, each event is sent unnamed with JSON data holding its topics, time,
   * name and data (see {@link StoredEvent#envelope()}), for clients that need the topic, such as
   * the web UI. {@code access} decides which private events it gets.
   */
  Subscription(SseStream stream, List<TopicSelector> selectors, HubMetrics metrics, int maxPending,
      long maxPendingBytes, boolean envelope, Access access) {
    this.access = Objects.requireNonNull(access, "access == null");
    this.stream = Objects.requireNonNull(stream, "stream == null");
    this.selectors = List.copyOf(selectors);
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
    if (this.selectors.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs at least one selector");
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending < 1: " + maxPending);
    }
    if (maxPendingBytes < 1) {
      throw new IllegalArgumentException("maxPendingBytes < 1: " + maxPendingBytes);
    }
    this.maxPending = maxPending;
    this.maxPendingBytes = maxPendingBytes;
    this.envelope = envelope;
  }

  /**
   * The wire form this subscriber gets: encoded once per event and format, except the envelope
   * of a private event whose topics the claim does not all cover (encoded for this subscriber).
   */
  private EncodedEvent wire(StoredEvent event) {
    if (!envelope) {
      return event.encoded();
    }
    if (!event.isPrivate() || access.subscribeClaim().coversAll()) {
      return event.envelope();
    }
    List<String> shown = shownTopics(event);
    return shown.size() == event.topics().size() ? event.envelope() : event.envelope(shown);
  }

  /** The bytes a buffered event is counted for: its shared wire form, the same when added and removed. */
  private long bufferedSize(StoredEvent event) {
    return (envelope ? event.envelope() : event.encoded()).size();
  }

  /**
   * The topics of {@code event} this subscriber may see in an envelope: all of a public event's,
   * the ones its subscribe claim covers of a private one (never none, for an event it may receive).
   */
  List<String> shownTopics(StoredEvent event) {
    if (!event.isPrivate()) {
      return event.topics();
    }
    List<String> shown = new ArrayList<>(event.topics().size());
    for (String topic : event.topics()) {
      if (access.subscribeClaim().covers(topic)) {
        shown.add(topic);
      }
    }
    return shown;
  }

  /** Whether this subscriber may receive {@code event}: it is public, or its claim covers one of its topics. */
  boolean mayReceive(StoredEvent event) {
    return !event.isPrivate() || access.mayReceive(event.topics(), true);
  }

  SseStream stream() {
    return stream;
  }

  List<TopicSelector> selectors() {
    return selectors;
  }

  /**
   * Listener thread: hands over a live event the broker matched. While replaying it is buffered
   * (past the buffer's bounds the buffer is dropped and the replay re-reads the store); once
   * live it is sent unless its id is not above the last one sent. A private event this
   * subscriber may not receive is dropped here, before the buffer.
   */
  void deliver(StoredEvent event) {
    if (!mayReceive(event)) {
      return;
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (!live) {
        if (overflowed || event.id() <= lastSentId) {
          return; // the store has it; the replay reads it (or already sent it)
        }
        long size = bufferedSize(event);
        if (pending.size() < maxPending && pendingBytes + size <= maxPendingBytes) {
          pending.add(event);
          pendingBytes += size;
          return;
        }
        overflowed = true;
        pending.clear();
        pendingBytes = 0;
      } else if (event.id() > lastSentId) {
        lastSentId = event.id();
        lastSentWireId = event.wireId();
        if (stream.send(wire(event))) {
          metrics.delivered();
        }
      }
    }
  }

  /**
   * Replay thread: sends {@code event} from history, unless its id is not above the last one
   * sent, or this subscriber may not receive it ({@link #mayReceive}; the replay checks first).
   * Returns {@code false} once the subscription or its stream is closed (stop replaying).
   */
  boolean sendReplayed(StoredEvent event) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      if (event.id() <= lastSentId || !mayReceive(event)) {
        return true;
      }
      lastSentId = event.id();
      lastSentWireId = event.wireId();
      if (!stream.send(wire(event))) {
        return false;
      }
      metrics.replayed();
      return true;
    }
  }

  /**
   * Replay thread: sets the position replay continues after (the client's resume id) and the id
   * a gap would report until an event is sent ({@code wireId}: what the client sent, or null).
   */
  void startAfter(long id, String wireId) {
    synchronized (lock) {
      if (id >= lastSentId) {
        lastSentId = id;
        if (lastSentWireId == null) {
          lastSentWireId = wireId;
        }
      }
    }
  }

  /**
   * Fan-out thread: the store will never deliver the events up to {@code trimmedThrough} that
   * this node had not delivered ({@link HistoryStore#onGap}). A live subscription not yet past it
   * is sent {@code gap.apply(last id sent)} at once, in order with its events; a replaying one
   * drops its live buffer and re-reads the store, whose replay reports the gap itself. Returns
   * whether a gap event was sent.
   */
  boolean missed(long trimmedThrough, Function<String, SseEvent> gap) {
    synchronized (lock) {
      if (closed || lastSentId >= trimmedThrough) {
        return false;
      }
      if (!live) {
        overflowed = true;
        pending.clear();
        pendingBytes = 0;
        return false;
      }
      return stream.send(gap.apply(lastSentWireId));
    }
  }

  /** The id of the last event sent (or the resume point before any was sent). */
  long lastSentId() {
    synchronized (lock) {
      return lastSentId;
    }
  }

  /** What {@link #goLive} did. */
  enum GoLive {
    /** Live delivery has begun. */
    LIVE,
    /** The stream filled up while the buffer was being sent: wait until it is writable, call again. */
    BLOCKED,
    /** The buffer overflowed and was dropped: read the store after {@link #lastSentId}, then call again. */
    REREAD,
    /** The subscription or its stream is closed: stop. */
    CLOSED
  }

  /**
   * Replay thread, once the replay has read to the end of the store: sends the buffered live
   * events above the last id sent, in order, while the stream is writable, and when all are sent
   * switches to live delivery. See {@link GoLive} for the other outcomes.
   */
  GoLive goLive() {
    synchronized (lock) {
      if (closed || live) {
        return closed ? GoLive.CLOSED : GoLive.LIVE;
      }
      if (overflowed) {
        overflowed = false; // from here on the buffer is complete again
        return GoLive.REREAD;
      }
      StoredEvent e;
      while ((e = pending.peek()) != null) {
        if (e.id() > lastSentId) {
          if (!stream.isWritable()) {
            return stream.isOpen() ? GoLive.BLOCKED : GoLive.CLOSED;
          }
          lastSentId = e.id();
          lastSentWireId = e.wireId();
          if (!stream.send(wire(e))) {
            return GoLive.CLOSED;
          }
          metrics.delivered();
        }
        pending.poll();
        pendingBytes -= bufferedSize(e);
      }
      pending = null;
      live = true;
      return stream.isOpen() ? GoLive.LIVE : GoLive.CLOSED;
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
      pendingBytes = 0;
    }
  }

  @Override
  public String toString() {
    return "Subscription{" + selectors + ", " + stream + "}";
  }
}
