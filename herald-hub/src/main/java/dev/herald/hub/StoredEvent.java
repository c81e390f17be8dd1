package dev.herald.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An event in the hub's history: its position ({@link #id()}, increasing, assigned by the store,
 * never reused), the id clients see ({@link #wireId()}), the publish time, topics, optional event
 * name, data, optional retry, and whether it is private (see {@link NewEvent}). Immutable; a
 * {@link HistoryStore} builds them with {@link #builder(NewEvent)} (at append) or
 * {@link #builder()} (reading back). The wire form is encoded once, on first use, and shared by
 * every subscriber (an envelope listing fewer topics, for a private event, is encoded per
 * subscriber).
 */
public final class StoredEvent {
  /** The envelope's {@code time}: ISO-8601 UTC, always with milliseconds ({@code 2026-12-01T19:00:00.000Z}). */
  static final DateTimeFormatter ENVELOPE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final long id;
  private final long timeMillis;
  private final List<String> topics;
  private final String event;
  private final String data;
  private final Duration retry;
  private final boolean isPrivate;
  private final String customId;
  private final String storeId;
  private volatile EncodedEvent encoded;
  private volatile EncodedEvent envelope;

  /** A public event. */
  StoredEvent(long id, long timeMillis, List<String> topics, Optional<String> event, String data, Optional<Duration> retry) {
    this(id, timeMillis, topics, event, data, retry, false);
  }

  StoredEvent(long id, long timeMillis, List<String> topics, Optional<String> event, String data, Optional<Duration> retry,
      boolean isPrivate) {
    this(id, timeMillis, topics, event, data, retry, isPrivate, Optional.empty());
  }

  /** An event whose wire id is {@code customId} when present (a publisher-chosen id), else {@code id}. */
  StoredEvent(long id, long timeMillis, List<String> topics, Optional<String> event, String data, Optional<Duration> retry,
      boolean isPrivate, Optional<String> customId) {
    this(id, Long.toString(id), timeMillis, topics, event, data, retry, isPrivate, customId);
  }

  private StoredEvent(long id, String storeId, long timeMillis, List<String> topics, Optional<String> event, String data,
      Optional<Duration> retry, boolean isPrivate, Optional<String> customId) {
    this.storeId = Objects.requireNonNull(storeId, "storeId == null");
    if (storeId.isEmpty()) {
      throw new IllegalArgumentException("empty storeId");
    }
    this.customId = customId.orElse(null);
    this.isPrivate = isPrivate;
    this.id = id;
    this.timeMillis = timeMillis;
    this.topics = List.copyOf(topics);
    this.event = event.orElse(null);
    this.data = Objects.requireNonNull(data, "data == null");
    this.retry = retry.orElse(null);
  }

  /** The position: at least 1, increasing in append order, never reused (see {@link HistoryStore}). */
  public long id() {
    return id;
  }

  /**
   * The id as clients see it (in {@code id:} and {@code Last-Event-ID}): the publisher-chosen id
   * if there is one, else {@link #storeId()}.
   */
  public String wireId() {
    return customId != null ? customId : storeId;
  }

  /**
   * The store's own id for the event, what clients see when it has no publisher-chosen id: the
   * decimal position for SQLite and memory, the stream entry id for Redis.
   */
  public String storeId() {
    return storeId;
  }

  /** The publisher-chosen id, if any. */
  public Optional<String> customId() {
    return Optional.ofNullable(customId);
  }

  /** The publish time, milliseconds since the epoch. */
  public long timeMillis() {
    return timeMillis;
  }

  /** The topics, in the canonical (sorted) order every store returns them in. */
  public List<String> topics() {
    return topics;
  }

  /** The event name, if any. */
  public Optional<String> event() {
    return Optional.ofNullable(event);
  }

  /** The data. */
  public String data() {
    return data;
  }

  /** The reconnection time, if any. */
  public Optional<Duration> retry() {
    return Optional.ofNullable(retry);
  }

  /** Whether the event is private: only subscribers whose claim covers one of its topics get it. */
  public boolean isPrivate() {
    return isPrivate;
  }

  /** Whether any of this event's topics matches any of {@code selectors} (how {@link HistoryStore#readAfter} filters). */
  public boolean matchesAny(List<TopicSelector> selectors) {
    for (String topic : topics) {
      for (TopicSelector s : selectors) {
        if (s.matches(topic)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The event as sent on the wire: {@code id}, {@code event}, {@code data}, {@code retry}. */
  EncodedEvent encoded() {
    EncodedEvent e = encoded;
    if (e == null) {
      SseEvent.Builder b = SseEvent.builder().id(wireId()).data(data);
      if (event != null) {
        b.event(event);
      }
      if (retry != null) {
        b.retry(retry);
      }
      e = EncodedEvent.of(b.build());
      encoded = e;
    }
    return e;
  }

  /**
   * The event for subscribers that asked for envelopes: unnamed (so an {@code EventSource}
   * {@code onmessage} sees every event), with the same {@code id:} and {@code retry:}, and JSON
   * data {@code {"topics":[…],"time":"<ISO-8601>","event":<name or null>,"data":"…"}}, plus
   * {@code "private":true} for a private event; the time is UTC with exactly three fraction
   * digits ({@link #ENVELOPE_TIME}). Lists every topic; encoded once and shared.
   */
  EncodedEvent envelope() {
    EncodedEvent e = envelope;
    if (e == null) {
      e = envelope(topics);
      envelope = e;
    }
    return e;
  }

  /**
   * The envelope listing only {@code shown} (some of this event's topics, for a subscriber that
   * may not see the others); encoded anew at each call.
   */
  EncodedEvent envelope(List<String> shown) {
    ObjectNode json = HubJson.MAPPER.createObjectNode();
    shown.forEach(json.putArray("topics")::add);
    json.put("time", ENVELOPE_TIME.format(Instant.ofEpochMilli(timeMillis)));
    if (event != null) {
      json.put("event", event);
    } else {
      json.putNull("event");
    }
    json.put("data", data);
    if (isPrivate) {
      json.put("private", true);
    }
    SseEvent.Builder b = SseEvent.builder().id(wireId()).data(json.toString());
    if (retry != null) {
      b.retry(retry);
    }
    return EncodedEvent.of(b.build());
  }

  /** A builder with nothing set: set at least id, topics and data. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding {@code e}'s topics (in canonical order), name, data, retry, privacy and
   * publisher-chosen id: set the id (and, for a store whose own ids are not the decimal
   * position, the store id) and the time.
   */
  public static Builder builder(NewEvent e) {
    Builder b = new Builder();
    b.topics = Stores.sortedTopics(e);
    b.event = e.event();
    b.data = e.data();
    b.retry = e.retry();
    b.isPrivate = e.isPrivate();
    b.customId = e.customId();
    return b;
  }

  /** Builds a {@link StoredEvent}; the id is required, the store id defaults to the decimal id. */
  public static final class Builder {
    private long id;
    private String storeId;
    private long timeMillis;
    private List<String> topics = List.of();
    private Optional<String> event = Optional.empty();
    private String data;
    private Optional<Duration> retry = Optional.empty();
    private boolean isPrivate;
    private Optional<String> customId = Optional.empty();

    private Builder() {}

    /** The position, at least 1. */
    public Builder id(long id) {
      if (id < 1) {
        throw new IllegalArgumentException("id < 1: " + id);
      }
      this.id = id;
      return this;
    }

    /** The store's own id as clients see it (default: the decimal position). */
    public Builder storeId(String storeId) {
      this.storeId = Objects.requireNonNull(storeId, "storeId == null");
      return this;
    }

    /** The publish time in milliseconds since the epoch. */
    public Builder timeMillis(long timeMillis) {
      this.timeMillis = timeMillis;
      return this;
    }

    /** The topics, at least one (kept in the given order; stores sort them). */
    public Builder topics(List<String> topics) {
      this.topics = List.copyOf(topics);
      return this;
    }

    /** The event name. */
    public Builder event(Optional<String> event) {
      this.event = Objects.requireNonNull(event, "event == null");
      return this;
    }

    /** The data. */
    public Builder data(String data) {
      this.data = Objects.requireNonNull(data, "data == null");
      return this;
    }

    /** The reconnection time. */
    public Builder retry(Optional<Duration> retry) {
      this.retry = Objects.requireNonNull(retry, "retry == null");
      return this;
    }

    /** Whether the event is private. */
    public Builder isPrivate(boolean isPrivate) {
      this.isPrivate = isPrivate;
      return this;
    }

    /** The publisher-chosen id. */
    public Builder customId(Optional<String> customId) {
      this.customId = Objects.requireNonNull(customId, "customId == null");
      return this;
    }

    /** The event; throws {@link IllegalArgumentException} if id, topics or data is missing. */
    public StoredEvent build() {
      if (id < 1) {
        throw new IllegalArgumentException("no id set");
      }
      if (data == null) {
        throw new IllegalArgumentException("no data set");
      }
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("no topics set");
      }
      return new StoredEvent(id, storeId != null ? storeId : Long.toString(id), timeMillis, topics, event, data, retry,
          isPrivate, customId);
    }
  }

  /** Equal when every field is (position, store id, time, topics, name, data, retry, privacy, publisher id). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StoredEvent)) {
      return false;
    }
    StoredEvent that = (StoredEvent) o;
    return id == that.id && storeId.equals(that.storeId) && timeMillis == that.timeMillis && topics.equals(that.topics)
        && Objects.equals(event, that.event) && data.equals(that.data) && Objects.equals(retry, that.retry)
        && isPrivate == that.isPrivate && Objects.equals(customId, that.customId);
  }

  /** The position's hash. */
  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  /** For logs: ids, topics, name, flags and the data's length (not the data). */
  @Override
  public String toString() {
    return "StoredEvent{id=" + id + (storeId.equals(Long.toString(id)) ? "" : " (" + storeId + ")") + ", topics=" + topics + ", event=" + event + (isPrivate ? ", private" : "")
        + (customId != null ? ", wire id " + customId : "") + ", " + data.length() + " chars}";
  }
}
