package dev.herald.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An incremental {@code text/event-stream} parser that follows WHATWG HTML §9.2.6 exactly: feed
 * it the bytes of one stream in chunks of any size and it calls its {@link Listener} for every
 * dispatched event, comment and {@code retry} field, in stream order.
 *
 * <p>The bytes are always decoded as UTF-8 (ill-formed sequences become U+FFFD); one leading BOM
 * is skipped; CR, LF and CRLF end a line, also when a CRLF is split between two chunks. Chunk
 * boundaries never change the result.
 *
 * <p>A parser is <b>not thread-safe</b>: use one parser per stream, fed from one thread at a time.
 * Listener methods run on the feeding thread, inside {@code feed}; an exception thrown by the
 * listener propagates out of {@code feed} and the rest of that chunk is dropped.
 *
 * <pre>{@code
 * SseParser parser = SseParser.builder().lastEventId(previous.lastEventId()).listener(events::add).build();
 * parser.feed(bytes);
 * }</pre>
 */
public interface SseParser {

  /** A parser starting with no last event id that reports to {@code listener}. */
  static SseParser create(Listener listener) {
    return builder().listener(listener).build();
  }

  /** A new builder, for a parser that starts with a known last event id (after a reconnect). */
  static Builder builder() {
    return new Builder();
  }

  /** All events of a complete stream given as text; an unterminated last block is discarded. */
  static List<MessageEvent> parse(String stream) {
    Objects.requireNonNull(stream, "stream == null");
    return parse(stream.getBytes(StandardCharsets.UTF_8));
  }

  /** All events of a complete stream given as bytes; an unterminated last block is discarded. */
  static List<MessageEvent> parse(byte[] stream) {
    Objects.requireNonNull(stream, "stream == null");
    List<MessageEvent> events = new ArrayList<>();
    SseParser parser = create(events::add);
    parser.feed(stream);
    parser.end();
    return Collections.unmodifiableList(events);
  }

  /** Parses all of {@code bytes}. */
  void feed(byte[] bytes);

  /** Parses {@code length} bytes of {@code bytes} starting at {@code offset}. */
  void feed(byte[] bytes, int offset, int length);

  /** Parses the remaining bytes of {@code buffer} and advances its position to its limit. */
  void feed(ByteBuffer buffer);

  /**
   * Ends the stream: a block without its final blank line (and an unterminated last line) is
   * discarded, nothing more is dispatched. Later calls to {@code feed} throw
   * {@link IllegalStateException}; calling {@code end} again does nothing.
   */
  void end();

  /**
   * The last event id: set from the {@code id} buffer at each blank line, so after a reconnect
   * this is what to send as {@code Last-Event-ID} (when not empty). {@code ""} when none.
   */
  String lastEventId();

  /**
   * The reconnection time from the last valid {@code retry} field (ASCII digits only, in
   * milliseconds; values beyond {@link Long#MAX_VALUE} ms are clamped to it), or empty if none.
   */
  Optional<Duration> reconnectionTime();

  /**
   * Receives what a parser finds. Only {@link #onEvent} must be implemented; the others default
   * to doing nothing. Called on the thread that feeds the parser.
   */
  @FunctionalInterface
  interface Listener {
    /** An event was dispatched (a blank line ended a block that had at least one data field). */
    void onEvent(MessageEvent event);

    /** A comment line: {@code comment} is everything after the colon, spaces included. */
    default void onComment(String comment) {}

    /** A valid {@code retry} field set the reconnection time; reported at once, not at dispatch. */
    default void onRetry(Duration reconnectionTime) {}
  }

  /** Builds an {@link SseParser}. A builder is not thread-safe. */
  final class Builder {
    private String lastEventId = "";
    private Listener listener;

    private Builder() {}

    /**
     * The last event id to start with, e.g. the one sent as {@code Last-Event-ID} when
     * reconnecting; events without an {@code id} field report it. Rejects CR, LF and NUL, which
     * no stream can set.
     */
    public Builder lastEventId(String lastEventId) {
      Objects.requireNonNull(lastEventId, "lastEventId == null");
      if (lastEventId.indexOf('\r') >= 0 || lastEventId.indexOf('\n') >= 0 || lastEventId.indexOf('\0') >= 0) {
        throw new InvalidEventException("id", "a last event id cannot contain CR, LF or NUL");
      }
      this.lastEventId = lastEventId;
      return this;
    }

    /** The listener to report to; required. */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /** A new parser at the start of a stream; throws if no listener was set. */
    public SseParser build() {
      Objects.requireNonNull(listener, "listener == null");
      return new RealSseParser(listener, lastEventId);
    }
  }
}
