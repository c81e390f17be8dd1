package dev.herald.hub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An event a publisher asked to publish, already validated: one or more valid topic names, an
 * optional event name (no CR/LF), the data, an optional reconnection time, and whether it is
 * private (delivered only to subscribers whose token's {@code mercure.subscribe} claim covers one
 * of its topics, see {@link Access#mayReceive}). Immutable.
 */
final class NewEvent {
  private final List<String> topics;
  private final String event;
  private final String data;
  private final Duration retry;
  private final boolean isPrivate;

  /** A public event. */
  NewEvent(List<String> topics, Optional<String> event, String data, Optional<Duration> retry) {
    this(topics, event, data, retry, false);
  }

  NewEvent(List<String> topics, Optional<String> event, String data, Optional<Duration> retry, boolean isPrivate) {
    this.isPrivate = isPrivate;
    this.topics = List.copyOf(topics);
    this.event = event.orElse(null);
    this.data = Objects.requireNonNull(data, "data == null");
    this.retry = retry.orElse(null);
    if (this.topics.isEmpty()) {
      throw new IllegalArgumentException("an event needs at least one topic");
    }
  }

  List<String> topics() {
    return topics;
  }

  Optional<String> event() {
    return Optional.ofNullable(event);
  }

  String data() {
    return data;
  }

  Optional<Duration> retry() {
    return Optional.ofNullable(retry);
  }

  /** Whether the event is private. */
  boolean isPrivate() {
    return isPrivate;
  }

  /** The stored form with the hub's id and publish time. */
  StoredEvent stored(long id, long timeMillis) {
    return new StoredEvent(id, timeMillis, topics, event(), data, retry(), isPrivate);
  }

  @Override
  public String toString() {
    return "NewEvent{topics=" + topics + ", event=" + event + (isPrivate ? ", private" : "") + ", " + data.length()
        + " chars}";
  }
}
