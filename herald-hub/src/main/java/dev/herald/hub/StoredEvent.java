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
 * An event in the hub's history: its id (monotonic, assigned by the hub, never reused), the
 * publish time, topics, optional event name, data, optional retry, and whether it is private
 * (see {@link NewEvent}). Immutable; the wire form is encoded once, on first use, and shared by
 * every subscriber (an envelope listing fewer topics, for a private event, is encoded per
 * subscriber: {@link #envelope(List)}).
 */
final class StoredEvent {
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
    this.customId = customId.orElse(null);
    this.isPrivate = isPrivate;
    this.id = id;
    this.timeMillis = timeMillis;
    this.topics = List.copyOf(topics);
    this.event = event.orElse(null);
    this.data = Objects.requireNonNull(data, "data == null");
    this.retry = retry.orElse(null);
  }

  long id() {
    return id;
  }

  /**
   * The id as clients see it (in {@code id:} and {@code Last-Event-ID}): the publisher-chosen id
   * if there is one, else the hub's decimal id.
   */
  String wireId() {
    return customId != null ? customId : Long.toString(id);
  }

  /** The publisher-chosen id, if any. */
  Optional<String> customId() {
    return Optional.ofNullable(customId);
  }

  long timeMillis() {
    return timeMillis;
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

  /** Whether the event is private: only subscribers whose claim covers one of its topics get it. */
  boolean isPrivate() {
    return isPrivate;
  }

  /** Whether any of this event's topics matches any of {@code selectors}. */
  boolean matchesAny(List<TopicSelector> selectors) {
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

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StoredEvent)) {
      return false;
    }
    StoredEvent that = (StoredEvent) o;
    return id == that.id && timeMillis == that.timeMillis && topics.equals(that.topics)
        && Objects.equals(event, that.event) && data.equals(that.data) && Objects.equals(retry, that.retry)
        && isPrivate == that.isPrivate && Objects.equals(customId, that.customId);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  @Override
  public String toString() {
    return "StoredEvent{id=" + id + ", topics=" + topics + ", event=" + event + (isPrivate ? ", private" : "")
        + (customId != null ? ", wire id " + customId : "") + ", " + data.length() + " chars}";
  }
}
