package dev.herald.core;

import java.util.Objects;

/**
 * An event dispatched by an {@link SseParser}: what a browser's {@code EventSource} hands to its
 * listeners as a {@code MessageEvent}, i.e. the event name, the data and the last event id in
 * force when the event was dispatched.
 *
 * <p>Naming: {@link #event()} is the event name, as in {@link SseEvent#event()} and the
 * {@code event:} field ({@link #type()} is the older, deprecated name of the same value, after the
 * browser's {@code MessageEvent.type}). {@link #data()} is a {@code String}, not an
 * {@code Optional} as in {@link SseEvent#data()}: an {@code SseEvent} is what a server writes and
 * may carry no data at all (a comment, an id or a {@code retry} alone, which browsers never
 * dispatch), and {@code data:} with an empty value is different from no data; a
 * {@code MessageEvent} is only dispatched for a block that had at least one {@code data} field, so
 * it always has data, possibly empty.
 *
 * <p>Values are immutable and thread-safe.
 */
public final class MessageEvent {
  /** The name of events that carry no {@code event} field, or an empty one. */
  public static final String DEFAULT_EVENT = "message";
  /**
   * The older name of {@link #DEFAULT_EVENT}.
   *
   * @deprecated use {@link #DEFAULT_EVENT}; kept, and not going away.
   */
  @Deprecated(forRemoval = false)
  public static final String DEFAULT_TYPE = DEFAULT_EVENT;

  private final String event;
  private final String data;
  private final String lastEventId;

  private MessageEvent(String event, String data, String lastEventId) {
    this.event = event;
    this.data = data;
    this.lastEventId = lastEventId;
  }

  /**
   * An event named {@code event} (an empty name becomes {@code "message"}) carrying {@code data},
   * dispatched while {@code lastEventId} was the last event id ({@code ""} when there is none).
   */
  public static MessageEvent of(String event, String data, String lastEventId) {
    Objects.requireNonNull(event, "event == null");
    Objects.requireNonNull(data, "data == null");
    Objects.requireNonNull(lastEventId, "lastEventId == null");
    return new MessageEvent(event.isEmpty() ? DEFAULT_EVENT : event, data, lastEventId);
  }

  /** The event name: the last {@code event} field of the block, or {@code "message"}. */
  public String event() {
    return event;
  }

  /**
   * The event name, under the browser's name for it.
   *
   * @deprecated use {@link #event()}, the same value under the name {@link SseEvent#event()} uses;
   *     kept, and not going away.
   */
  @Deprecated(forRemoval = false)
  public String type() {
    return event;
  }

  /**
   * The data: the {@code data} field values joined with LF. May be empty, never absent (see the
   * class Javadoc for why this is not an {@code Optional}).
   */
  public String data() {
    return data;
  }

  /** The last event id in force when this event was dispatched; {@code ""} when none. */
  public String lastEventId() {
    return lastEventId;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MessageEvent)) {
      return false;
    }
    MessageEvent that = (MessageEvent) o;
    return event.equals(that.event) && data.equals(that.data) && lastEventId.equals(that.lastEventId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(event, data, lastEventId);
  }

  @Override
  public String toString() {
    return "MessageEvent{event=" + quote(event) + ", data=" + quote(data)
        + ", lastEventId=" + quote(lastEventId) + '}';
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + '"';
  }
}
