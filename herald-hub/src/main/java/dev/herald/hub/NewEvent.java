package dev.herald.hub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An event a publisher asked to publish, already validated: one or more valid topic names, an
 * optional event name (no CR/LF), the data, an optional reconnection time, and whether it is
 * private (delivered only to subscribers whose token's {@code mercure.subscribe} claim covers one
 * of its topics, see {@code Access#mayReceive}). Immutable. What a {@link HistoryStore} is asked to
 * store; the hub builds them from publish requests.
 */
public final class NewEvent {
  private final List<String> topics;
  private final String event;
  private final String data;
  private final Duration retry;
  private final boolean isPrivate;
  private final String customId;

  /** A public event. */
  NewEvent(List<String> topics, Optional<String> event, String data, Optional<Duration> retry) {
    this(topics, event, data, retry, false);
  }

  NewEvent(List<String> topics, Optional<String> event, String data, Optional<Duration> retry, boolean isPrivate) {
    this(topics, event, data, retry, isPrivate, Optional.empty());
  }

  /**
   * An event with a publisher-chosen id ({@code customId}, Mercure's {@code id} field): the id
   * it carries on the wire instead of the hub's decimal one; the caller has validated it
   * ({@link MercureForm#checkId}).
   */
  NewEvent(List<String> topics, Optional<String> event, String data, Optional<Duration> retry, boolean isPrivate,
      Optional<String> customId) {
    this.customId = customId.orElse(null);
    this.isPrivate = isPrivate;
    this.topics = List.copyOf(topics);
    this.event = event.orElse(null);
    this.data = Objects.requireNonNull(data, "data == null");
    this.retry = retry.orElse(null);
    if (this.topics.isEmpty()) {
      throw new IllegalArgumentException("an event needs at least one topic");
    }
  }

  /** The topics, at least one, in the order the publisher gave them. */
  public List<String> topics() {
    return topics;
  }

  /** The event name ({@code event:}), if any. */
  public Optional<String> event() {
    return Optional.ofNullable(event);
  }

  /** The data, possibly several lines. */
  public String data() {
    return data;
  }

  /** The reconnection time ({@code retry:}), if any. */
  public Optional<Duration> retry() {
    return Optional.ofNullable(retry);
  }

  /** Whether the event is private. */
  public boolean isPrivate() {
    return isPrivate;
  }

  /** The publisher-chosen id, if any (empty: the event goes by the hub's decimal id). */
  public Optional<String> customId() {
    return Optional.ofNullable(customId);
  }

  /** This event with the publisher-chosen id {@code id}. */
  NewEvent withCustomId(String id) {
    return new NewEvent(topics, event(), data, retry(), isPrivate, Optional.of(id));
  }

  /** The stored form with the hub's id and publish time. */
  StoredEvent stored(long id, long timeMillis) {
    return new StoredEvent(id, timeMillis, topics, event(), data, retry(), isPrivate, customId());
  }

  /** For logs: topics, name, flags and the data's length (not the data). */
  @Override
  public String toString() {
    return "NewEvent{topics=" + topics + ", event=" + event + (isPrivate ? ", private" : "")
        + (customId != null ? ", id " + customId : "") + ", " + data.length() + " chars}";
  }
}
