package dev.herald.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.hub.NewEvent;
import dev.herald.hub.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an event is kept in a stream entry: fields {@code topics} (a JSON array, sorted),
 * {@code data}, and when present {@code event}, {@code retry} (milliseconds), {@code private}
 * ({@code 1}) and {@code id} (the publisher-chosen id). The entry id is the event's store id and
 * its milliseconds the publish time. Stateless.
 */
final class RedisEntries {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private RedisEntries() {}

  /** The entry's fields, name and value alternating, for {@code e} with its topics sorted. */
  static List<String> fields(NewEvent e) {
    List<String> topics = new ArrayList<>(e.topics());
    topics.sort(null);
    List<String> f = new ArrayList<>(10);
    try {
      f.add("topics");
      f.add(JSON.writeValueAsString(topics));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    f.add("data");
    f.add(e.data());
    e.event().ifPresent(v -> {
      f.add("event");
      f.add(v);
    });
    e.retry().ifPresent(r -> {
      f.add("retry");
      f.add(Long.toString(r.toMillis()));
    });
    if (e.isPrivate()) {
      f.add("private");
      f.add("1");
    }
    e.customId().ifPresent(id -> {
      f.add("id");
      f.add(id);
    });
    return f;
  }

  /** {@code e} as stored under entry id {@code entryId}. */
  static StoredEvent stored(NewEvent e, String entryId) {
    long position = RedisIds.positionOf(entryId);
    return StoredEvent.builder(e).id(position).storeId(entryId).timeMillis(RedisIds.millis(position)).build();
  }

  /** The event kept in entry {@code entryId} with {@code body}. */
  static StoredEvent read(String entryId, Map<String, String> body) {
    long position = RedisIds.positionOf(entryId);
    List<String> topics;
    try {
      topics = JSON.readValue(body.getOrDefault("topics", "[]"), STRINGS);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("entry " + entryId + " has unreadable topics", ex);
    }
    String retry = body.get("retry");
    return StoredEvent.builder().id(position).storeId(entryId).timeMillis(RedisIds.millis(position)).topics(topics)
        .data(body.getOrDefault("data", "")).event(Optional.ofNullable(body.get("event")))
        .retry(retry == null ? Optional.empty() : Optional.of(Duration.ofMillis(Long.parseLong(retry))))
        .isPrivate("1".equals(body.get("private"))).customId(Optional.ofNullable(body.get("id"))).build();
  }

  /** Parses a JSON object (an idempotency record). */
  static Map<String, Object> object(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("unreadable idempotency record", ex);
    }
  }
}
