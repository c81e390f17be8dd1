package dev.herald.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One update for a hub, sent by a {@link HubPublisher}: the topics it is published to, its data,
 * whether it is private, and optionally an id, an event type and a {@code retry} hint.
 *
 * <p>On a Herald hub ({@code POST /publish}) ids are the hub's, so an update with {@link #id()} is
 * refused by {@link HubPublisher} with an {@link IllegalArgumentException} before anything is sent;
 * on a Mercure hub ({@code POST /.well-known/mercure}) it is the publisher-chosen id. Immutable and
 * thread-safe; build one with {@link #builder()} or {@link #of}.
 */
public final class HubUpdate {
  private final List<String> topics;
  private final String data;
  private final boolean isPrivate;
  private final Optional<String> id;
  private final Optional<String> type;
  private final Optional<Duration> retry;

  private HubUpdate(Builder b) {
    this.topics = List.copyOf(b.topics);
    this.data = b.data;
    this.isPrivate = b.isPrivate;
    this.id = b.id;
    this.type = b.type;
    this.retry = b.retry;
  }

  /** A public update of {@code data} to the one topic {@code topic}. */
  public static HubUpdate of(String topic, String data) {
    return builder().topic(topic).data(data).build();
  }

  /** A builder with no topic, empty data, public, no id, type or retry. */
  public static Builder builder() {
    return new Builder();
  }

  /** The topics, in the order given; never empty. */
  public List<String> topics() {
    return topics;
  }

  /** The data, sent as text ({@code ""} by default). */
  public String data() {
    return data;
  }

  /** Whether the update is private: only subscribers whose token covers a topic receive it. */
  public boolean isPrivate() {
    return isPrivate;
  }

  /** The publisher-chosen id (Mercure only), if any. */
  public Optional<String> id() {
    return id;
  }

  /** The event type (SSE {@code event:}; Herald's {@code event}, Mercure's {@code type}), if any. */
  public Optional<String> type() {
    return type;
  }

  /** The reconnection hint sent to subscribers ({@code retry:}), if any. */
  public Optional<Duration> retry() {
    return retry;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HubUpdate && ((HubUpdate) o).topics.equals(topics) && ((HubUpdate) o).data.equals(data)
        && ((HubUpdate) o).isPrivate == isPrivate && ((HubUpdate) o).id.equals(id) && ((HubUpdate) o).type.equals(type)
        && ((HubUpdate) o).retry.equals(retry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topics, data, isPrivate, id, type, retry);
  }

  @Override
  public String toString() {
    return "HubUpdate" + topics + (isPrivate ? " private" : "") + type.map(t -> " type=" + t).orElse("")
        + id.map(i -> " id=" + i).orElse("") + " data=" + data.length() + " chars";
  }

  /** Builds a {@link HubUpdate}; not thread-safe. */
  public static final class Builder {
    private final List<String> topics = new ArrayList<>();
    private String data = "";
    private boolean isPrivate;
    private Optional<String> id = Optional.empty();
    private Optional<String> type = Optional.empty();
    private Optional<Duration> retry = Optional.empty();

    private Builder() {}

    /** Adds a topic (the hub checks its syntax). */
    public Builder topic(String topic) {
      topics.add(Objects.requireNonNull(topic, "topic == null"));
      return this;
    }

    /** Adds each of {@code topics}. */
    public Builder topics(List<String> topics) {
      topics.forEach(this::topic);
      return this;
    }

    /** The data (may be empty, may hold newlines). */
    public Builder data(String data) {
      this.data = Objects.requireNonNull(data, "data == null");
      return this;
    }

    /** Marks the update private (or public, the default). */
    public Builder privateUpdate(boolean isPrivate) {
      this.isPrivate = isPrivate;
      return this;
    }

    /** A publisher-chosen id: only a Mercure publish sends it. */
    public Builder id(String id) {
      this.id = Optional.of(Objects.requireNonNull(id, "id == null"));
      return this;
    }

    /** The event type. */
    public Builder type(String type) {
      this.type = Optional.of(Objects.requireNonNull(type, "type == null"));
      return this;
    }

    /** The {@code retry} hint, sent in whole milliseconds; must be positive. */
    public Builder retry(Duration retry) {
      if (retry.isNegative() || retry.isZero()) {
        throw new IllegalArgumentException("retry must be positive: " + retry);
      }
      this.retry = Optional.of(retry);
      return this;
    }

    /** The update; {@link IllegalStateException} without a topic. */
    public HubUpdate build() {
      if (topics.isEmpty()) {
        throw new IllegalStateException("an update needs at least one topic");
      }
      return new HubUpdate(this);
    }
  }
}
