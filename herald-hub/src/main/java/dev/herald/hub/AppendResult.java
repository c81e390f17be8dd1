package dev.herald.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an append did: the positions it assigned and the matching wire ids (in order), the stored
 * events still retained, and whether this was a repeat of an earlier append with the same
 * idempotency key — then nothing new was stored, the ids are the first append's, and
 * {@code events} holds those of its events that retention has not yet removed (maybe none).
 * Immutable; a store makes one with {@link #of} (a fresh append) or {@link #repeat}.
 */
public final class AppendResult {
  private final List<Long> ids;
  private final List<String> wireIds;
  private final List<StoredEvent> events;
  private final boolean duplicate;
  private final String requestHash;

  /** A fresh append: the ids are those of {@code events}, which must not be empty. */
  AppendResult(List<StoredEvent> events, boolean duplicate) {
    this(events, duplicate, "");
  }

  /** A fresh append of a request with digest {@code requestHash} ("" for none). */
  AppendResult(List<StoredEvent> events, boolean duplicate, String requestHash) {
    this(idsOf(events), wireIdsOf(events), events, duplicate, requestHash);
  }

  /** An append of consecutive ids {@code firstId..lastId} of which {@code retained} are still kept. */
  AppendResult(long firstId, long lastId, List<StoredEvent> retained, boolean duplicate) {
    this(firstId, lastId, retained, duplicate, "");
  }

  /** Like {@link #AppendResult(long, long, List, boolean)}, for a request with digest {@code requestHash}. */
  AppendResult(long firstId, long lastId, List<StoredEvent> retained, boolean duplicate, String requestHash) {
    this(range(firstId, lastId), decimalWireIds(firstId, lastId, retained), retained, duplicate, requestHash);
  }

  private AppendResult(List<Long> ids, List<String> wireIds, List<StoredEvent> retained, boolean duplicate,
      String requestHash) {
    if (ids.isEmpty() || ids.size() != wireIds.size()) {
      throw new IllegalArgumentException("need as many wire ids as ids, at least one: " + ids + " / " + wireIds);
    }
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) < 1 || i > 0 && ids.get(i) <= ids.get(i - 1)) {
        throw new IllegalArgumentException("ids must be positive and increasing: " + ids);
      }
    }
    this.ids = List.copyOf(ids);
    this.wireIds = List.copyOf(wireIds);
    this.events = List.copyOf(retained);
    this.duplicate = duplicate;
    this.requestHash = Objects.requireNonNull(requestHash, "requestHash == null");
  }

  /** A fresh append that stored {@code events} (not empty, in position order), for a request with digest {@code requestHash}. */
  public static AppendResult of(List<StoredEvent> events, String requestHash) {
    return new AppendResult(events, false, requestHash);
  }

  /**
   * A repeat of an earlier append (same idempotency key) that assigned {@code ids} with wire ids
   * {@code wireIds} (same size, increasing ids), of which {@code retained} are still kept;
   * {@code requestHash} is the first request's digest.
   */
  public static AppendResult repeat(List<Long> ids, List<String> wireIds, List<StoredEvent> retained, String requestHash) {
    return new AppendResult(ids, wireIds, retained, true, requestHash);
  }

  private static List<Long> idsOf(List<StoredEvent> events) {
    List<Long> ids = new ArrayList<>(events.size());
    events.forEach(e -> ids.add(e.id()));
    return ids;
  }

  private static List<String> wireIdsOf(List<StoredEvent> events) {
    List<String> ids = new ArrayList<>(events.size());
    events.forEach(e -> ids.add(e.wireId()));
    return ids;
  }

  private static List<Long> range(long firstId, long lastId) {
    if (firstId < 1 || lastId < firstId || lastId - firstId >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad id range " + firstId + ".." + lastId);
    }
    List<Long> ids = new ArrayList<>();
    for (long id = firstId; id <= lastId; id++) {
      ids.add(id);
    }
    return ids;
  }

  /** A retained event's wire id, else the decimal id. */
  private static List<String> decimalWireIds(long firstId, long lastId, List<StoredEvent> retained) {
    Map<Long, String> known = new HashMap<>();
    for (StoredEvent e : retained) {
      known.put(e.id(), e.wireId());
    }
    List<String> ids = new ArrayList<>();
    for (long id = firstId; id <= lastId; id++) {
      ids.add(known.getOrDefault(id, Long.toString(id)));
    }
    return ids;
  }

  /**
   * The digest of the request that made the append ("" if unknown, e.g. a key stored before
   * digests were kept); for a duplicate, the first request's.
   */
  public String requestHash() {
    return requestHash;
  }

  /** The events of the append that are still retained, in position order. */
  public List<StoredEvent> events() {
    return events;
  }

  /** The positions assigned, increasing. */
  public List<Long> ids() {
    return ids;
  }

  /** The first position assigned. */
  public long firstId() {
    return ids.get(0);
  }

  /** The last position assigned. */
  public long lastId() {
    return ids.get(ids.size() - 1);
  }

  /** How many events the append stored (or, for a duplicate, the first append stored). */
  public int size() {
    return ids.size();
  }

  /** The assigned ids as clients see them, in order (see {@link StoredEvent#wireId}). */
  public List<String> wireIds() {
    return wireIds;
  }

  /** Whether this repeats an earlier append with the same idempotency key (nothing new stored). */
  public boolean duplicate() {
    return duplicate;
  }

  /** For logs. */
  @Override
  public String toString() {
    return "AppendResult{ids=" + wireIds + (duplicate ? ", duplicate" : "") + ", " + events.size() + " retained}";
  }
}
