package dev.herald.core;

import java.util.Objects;

/**
 * An event dispatched by an {@link SseParser}: what a browser's {@code EventSource} hands to its
 * listeners as a {@code MessageEvent}, i.e. the event type, the data and the last event id in
 * force when the event was dispatched.
 *
 * <p>Values are immutable and thread-safe.
 */
public final class MessageEvent {
  /** The type of events that carry no {@code event} field, or an empty one. */
  public static final String DEFAULT_TYPE = "message";

  private final String type;
  private final String data;
  private final String lastEventId;

  private MessageEvent(String type, String data, String lastEventId) {
    this.type = type;
    this.data = data;
    this.lastEventId = lastEventId;
  }

  /**
   * An event of {@code type} (an empty type becomes {@code "message"}) carrying {@code data},
   * dispatched while {@code lastEventId} was the last event id ({@code ""} when there is none).
   */
  public static MessageEvent of(String type, String data, String lastEventId) {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(data, "data == null");
    Objects.requireNonNull(lastEventId, "lastEventId == null");
    return new MessageEvent(type.isEmpty() ? DEFAULT_TYPE : type, data, lastEventId);
  }

  /** The event type: the last {@code event} field of the block, or {@code "message"}. */
  public String type() {
    return type;
  }

  /** The data: the {@code data} field values joined with LF. May be empty, never absent. */
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
    return type.equals(that.type) && data.equals(that.data) && lastEventId.equals(that.lastEventId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, data, lastEventId);
  }

  @Override
  public String toString() {
    return "MessageEvent{type=" + quote(type) + ", data=" + quote(data)
        + ", lastEventId=" + quote(lastEventId) + '}';
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + '"';
  }
}
