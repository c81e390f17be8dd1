package dev.herald.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a {@code text/event-stream}: optional id, event name, data, reconnection time
 * ({@code retry}) and comment.
 *
 * <p>Values are immutable and thread-safe. Every field is validated when the event is built: an
 * {@code id} or {@code event} containing CR or LF, an {@code id} containing NUL, any text with an
 * unpaired surrogate (not valid Unicode, so not expressible in UTF-8), or a {@code retry} that is negative or beyond {@link Long#MAX_VALUE} milliseconds is rejected with an
 * {@link InvalidEventException} naming the field, never silently repaired. {@code data} and
 * {@code comment} may span several lines; the encoder writes one field line per line.
 *
 * <p>{@link #data()} is an {@code Optional}, unlike {@link MessageEvent#data()}: an event may carry
 * no data at all (a comment, an id or a {@code retry} alone, which a browser never dispatches), and
 * that is different from {@code data:} with an empty value (which a browser dispatches with empty
 * data). What a client receives is a {@link MessageEvent}, which always has data, possibly empty.
 * {@link #event()} is the event name, as {@link MessageEvent#event()} on the receiving side.
 *
 * <pre>{@code
 * SseEvent ping = SseEvent.of("hello");
 * SseEvent named = SseEvent.of("message", "{\"text\":\"hi\"}");
 * SseEvent full = SseEvent.builder().id("42").event("update").data("x").retry(Duration.ofSeconds(3)).build();
 * }</pre>
 */
public final class SseEvent {
  private final String id;
  private final String event;
  private final String data;
  private final Duration retry;
  private final String comment;

  private SseEvent(Builder builder) {
    this.id = builder.id;
    this.event = builder.event;
    this.data = builder.data;
    this.retry = builder.retry;
    this.comment = builder.comment;
    if (id == null && event == null && data == null && retry == null && comment == null) {
      throw new InvalidEventException("data", "an event needs at least one of id, event, data, retry or comment");
    }
  }

  /** An unnamed event (dispatched as {@code message}) carrying {@code data}. */
  public static SseEvent of(String data) {
    return builder().data(data).build();
  }

  /** A named event carrying {@code data}; browsers dispatch it to listeners of {@code event}. */
  public static SseEvent of(String event, String data) {
    return builder().event(event).data(data).build();
  }

  /** A comment line (or lines); clients ignore it, proxies see traffic. Used for heartbeats. */
  public static SseEvent comment(String comment) {
    return builder().comment(comment).build();
  }

  /** An event that only sets the client's reconnection time. */
  public static SseEvent retry(Duration retry) {
    return builder().retry(retry).build();
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this event's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.event = event;
    b.data = data;
    b.retry = retry;
    b.comment = comment;
    return b;
  }

  /** The event id, which becomes the client's last event id. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The event name; absent means the client dispatches a {@code message} event. */
  public Optional<String> event() {
    return Optional.ofNullable(event);
  }

  /** The data; present and empty still dispatches an event with empty data. */
  public Optional<String> data() {
    return Optional.ofNullable(data);
  }

  /** The reconnection time to tell the client, in whole milliseconds on the wire. */
  public Optional<Duration> retry() {
    return Optional.ofNullable(retry);
  }

  /** A comment written before the fields; ignored by clients. */
  public Optional<String> comment() {
    return Optional.ofNullable(comment);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SseEvent)) {
      return false;
    }
    SseEvent that = (SseEvent) o;
    return Objects.equals(id, that.id)
        && Objects.equals(event, that.event)
        && Objects.equals(data, that.data)
        && Objects.equals(retry, that.retry)
        && Objects.equals(comment, that.comment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, event, data, retry, comment);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SseEvent{");
    String sep = "";
    if (id != null) {
      sb.append("id=").append(quote(id));
      sep = ", ";
    }
    if (event != null) {
      sb.append(sep).append("event=").append(quote(event));
      sep = ", ";
    }
    if (data != null) {
      sb.append(sep).append("data=").append(quote(data));
      sep = ", ";
    }
    if (retry != null) {
      sb.append(sep).append("retry=").append(retry.toMillis()).append("ms");
      sep = ", ";
    }
    if (comment != null) {
      sb.append(sep).append("comment=").append(quote(comment));
    }
    return sb.append('}').toString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + '"';
  }

  /**
   * Builds an {@link SseEvent}. Each setter validates its argument at once; a builder is not
   * thread-safe.
   */
  public static final class Builder {
    private static final Duration MAX_RETRY = Duration.ofMillis(Long.MAX_VALUE);

    private String id;
    private String event;
    private String data;
    private Duration retry;
    private String comment;

    private Builder() {}

    /** Sets the id; rejects CR, LF and NUL. */
    public Builder id(String id) {
      Objects.requireNonNull(id, "id == null");
      rejectLineBreaks("id", id);
      rejectLoneSurrogates("id", id);
      if (id.indexOf('\0') >= 0) {
        throw new InvalidEventException("id", "must not contain NUL (U+0000); clients would ignore it");
      }
      this.id = id;
      return this;
    }

    /** Sets the event name; rejects CR and LF. An empty name is dispatched as {@code message}. */
    public Builder event(String event) {
      Objects.requireNonNull(event, "event == null");
      rejectLineBreaks("event", event);
      rejectLoneSurrogates("event", event);
      this.event = event;
      return this;
    }

    /** Sets the data; CR, LF and CRLF split it into several {@code data:} lines. */
    public Builder data(String data) {
      Objects.requireNonNull(data, "data == null");
      rejectLoneSurrogates("data", data);
      this.data = data;
      return this;
    }

    /** Sets the reconnection time; must be 0 to {@link Long#MAX_VALUE} ms. Sent as whole milliseconds. */
    public Builder retry(Duration retry) {
      Objects.requireNonNull(retry, "retry == null");
      if (retry.isNegative()) {
        throw new InvalidEventException("retry", "must not be negative: " + retry);
      }
      if (retry.compareTo(MAX_RETRY) > 0) {
        throw new InvalidEventException("retry", "must fit in a long of milliseconds: " + retry);
      }
      this.retry = retry;
      return this;
    }

    /** Sets a comment; CR, LF and CRLF split it into several comment lines. */
    public Builder comment(String comment) {
      Objects.requireNonNull(comment, "comment == null");
      rejectLoneSurrogates("comment", comment);
      this.comment = comment;
      return this;
    }

    /** Builds the event; at least one field must be set. */
    public SseEvent build() {
      return new SseEvent(this);
    }

    /** UTF-8 cannot carry an unpaired surrogate; encoding would silently turn it into '?'. */
    private static void rejectLoneSurrogates(String field, String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw new InvalidEventException(field, "contains an unpaired surrogate at index " + i
              + " (not valid Unicode, cannot be sent as UTF-8)");
        }
      }
    }

    private static void rejectLineBreaks(String field, String value) {
      int cr = value.indexOf('\r');
      int lf = value.indexOf('\n');
      if (cr >= 0 || lf >= 0) {
        throw new InvalidEventException(field, "must not contain CR or LF (it would end the field and let the rest forge new fields)");
      }
    }
  }
}
