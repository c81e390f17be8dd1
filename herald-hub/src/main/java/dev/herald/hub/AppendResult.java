package dev.herald.hub;

import java.util.List;

/**
 * What an append did: the stored events (ids assigned, in order) and whether this was a repeat
 * of an earlier append with the same idempotency key, in which case nothing new was stored and
 * {@code events} are the first append's. Immutable.
 */
final class AppendResult {
  private final List<StoredEvent> events;
  private final boolean duplicate;

  AppendResult(List<StoredEvent> events, boolean duplicate) {
    this.events = List.copyOf(events);
    this.duplicate = duplicate;
  }

  List<StoredEvent> events() {
    return events;
  }

  boolean duplicate() {
    return duplicate;
  }
}
