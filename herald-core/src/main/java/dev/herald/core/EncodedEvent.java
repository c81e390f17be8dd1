package dev.herald.core;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An {@link SseEvent} together with its wire bytes, encoded once, so one event can be written to
 * many streams without encoding it again. Immutable and thread-safe; {@link #bytes()} hands out
 * read-only views of the same array.
 */
public final class EncodedEvent {
  private final SseEvent event;
  private final byte[] bytes;

  private EncodedEvent(SseEvent event, byte[] bytes) {
    this.event = event;
    this.bytes = bytes;
  }

  /** Encodes {@code event} with {@link SseEncoder#encode}. */
  public static EncodedEvent of(SseEvent event) {
    Objects.requireNonNull(event, "event == null");
    return new EncodedEvent(event, SseEncoder.encode(event));
  }

  /** The event. */
  public SseEvent event() {
    return event;
  }

  /** A new read-only view of the wire bytes, positioned at 0. */
  public ByteBuffer bytes() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** The number of wire bytes. */
  public int size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedEvent && ((EncodedEvent) o).event.equals(event);
  }

  @Override
  public int hashCode() {
    return event.hashCode();
  }

  @Override
  public String toString() {
    return "EncodedEvent{" + bytes.length + " bytes, " + event + "}";
  }
}
