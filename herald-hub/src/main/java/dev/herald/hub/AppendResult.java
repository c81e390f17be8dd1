package dev.herald.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an append did: the ids it assigned ({@code firstId..lastId}, consecutive), the stored
 * events still retained, and whether this was a repeat of an earlier append with the same
 * idempotency key — then nothing new was stored, the ids are the first append's, and
 * {@code events} holds those of its events that retention has not yet removed (maybe none).
 * Immutable.
 */
final class AppendResult {
  private final long firstId;
  private final long lastId;
  private final List<StoredEvent> events;
  private final boolean duplicate;
  private final String requestHash;

  /** A fresh append: the ids are those of {@code events}, which must not be empty. */
  AppendResult(List<StoredEvent> events, boolean duplicate) {
    this(events, duplicate, "");
  }

  /** A fresh append of a request with digest {@code requestHash} ("" for none). */
  AppendResult(List<StoredEvent> events, boolean duplicate, String requestHash) {
    this(events.get(0).id(), events.get(events.size() - 1).id(), events, duplicate, requestHash);
  }

  /** An append of ids {@code firstId..lastId} of which {@code retained} are still kept. */
  AppendResult(long firstId, long lastId, List<StoredEvent> retained, boolean duplicate) {
    this(firstId, lastId, retained, duplicate, "");
  }

  /** Like {@link #AppendResult(long, long, List, boolean)}, for a request with digest {@code requestHash}. */
  AppendResult(long firstId, long lastId, List<StoredEvent> retained, boolean duplicate, String requestHash) {
    if (firstId < 1 || lastId < firstId) {
      throw new IllegalArgumentException("bad id range " + firstId + ".." + lastId);
    }
    this.firstId = firstId;
    this.lastId = lastId;
    this.events = List.copyOf(retained);
    this.duplicate = duplicate;
    this.requestHash = Objects.requireNonNull(requestHash, "requestHash == null");
  }

  /**
   * The digest of the request that made the append ("" if unknown, e.g. a key stored before
   * digests were kept); for a duplicate, the first request's.
   */
  String requestHash() {
    return requestHash;
  }

  /** The events of the append that are still retained, in id order. */
  List<StoredEvent> events() {
    return events;
  }

  /** The first id assigned. */
  long firstId() {
    return firstId;
  }

  /** The last id assigned. */
  long lastId() {
    return lastId;
  }

  /** How many events the append stored (or, for a duplicate, the first append stored). */
  int size() {
    return (int) (lastId - firstId + 1);
  }

  /**
   * The assigned ids as clients see them, in order: a retained event's {@link StoredEvent#wireId}
   * (its publisher-chosen id if it has one), else the decimal id.
   */
  List<String> wireIds() {
    Map<Long, String> retained = new HashMap<>();
    for (StoredEvent e : events) {
      retained.put(e.id(), e.wireId());
    }
    List<String> ids = new ArrayList<>(size());
    for (long id = firstId; id <= lastId; id++) {
      ids.add(retained.getOrDefault(id, Long.toString(id)));
    }
    return ids;
  }

  boolean duplicate() {
    return duplicate;
  }
}
