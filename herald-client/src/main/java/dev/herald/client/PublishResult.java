package dev.herald.client;

import java.util.List;

/**
 * What a hub answered to a {@link HubPublisher} publish: the ids it gave the updates (one per
 * update, in order) and whether the answer was a replay of an earlier attempt of the same publish
 * (the hub answered {@code Idempotent-Replayed: true}: an earlier attempt was stored and this
 * retry stored nothing). Immutable and thread-safe.
 */
public final class PublishResult {
  private final List<String> ids;
  private final boolean replayed;
  private final int attempts;

  PublishResult(List<String> ids, boolean replayed, int attempts) {
    this.ids = List.copyOf(ids);
    this.replayed = replayed;
    this.attempts = attempts;
  }

  /** The id of the first (for a single publish: the only) update. */
  public String id() {
    return ids.get(0);
  }

  /** The ids of the updates, in the order they were given; never empty. */
  public List<String> ids() {
    return ids;
  }

  /** Whether the hub answered with the stored answer of an earlier attempt ({@code Idempotent-Replayed: true}). */
  public boolean replayed() {
    return replayed;
  }

  /** How many requests this publish took (1 without a retry). */
  public int attempts() {
    return attempts;
  }

  @Override
  public String toString() {
    return "PublishResult" + ids + (replayed ? " (replayed)" : "") + " after " + attempts + " attempt(s)";
  }
}
