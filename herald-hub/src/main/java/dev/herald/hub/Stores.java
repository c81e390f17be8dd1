package dev.herald.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rules shared by the {@link HistoryStore} implementations: batch validation, the canonical
 * (sorted) topic order of stored events, and saturating time arithmetic. Stateless.
 */
final class Stores {
  private Stores() {}

  /** Checks {@code limits}: at least one event kept, positive age, non-negative window. */
  static HistoryStore.Limits checkLimits(HistoryStore.Limits limits) {
    Objects.requireNonNull(limits, "limits == null");
    Objects.requireNonNull(limits.maxAge, "limits.maxAge == null");
    Objects.requireNonNull(limits.idempotencyWindow, "limits.idempotencyWindow == null");
    if (limits.maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents < 1: " + limits.maxEvents);
    }
    if (limits.maxAge.isNegative() || limits.maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive: " + limits.maxAge);
    }
    if (limits.idempotencyWindow.isNegative()) {
      throw new IllegalArgumentException("idempotencyWindow < 0: " + limits.idempotencyWindow);
    }
    return limits;
  }

  /** {@code d} in milliseconds, saturated at {@link Long#MAX_VALUE}. */
  static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** {@code now - d}, saturated at {@link Long#MIN_VALUE}. */
  static long cutoff(long nowMillis, Duration d) {
    long m = millis(d);
    long c = nowMillis - m;
    return c > nowMillis ? Long.MIN_VALUE : c;
  }

  /**
   * Why {@code batch} cannot be stored (empty, an event listing a topic twice, a negative retry),
   * or the empty string when it can. A store completes such an append with an
   * {@link IllegalArgumentException}.
   */
  static String batchProblem(List<NewEvent> batch, boolean checkRetry) {
    if (batch.isEmpty()) {
      return "empty batch";
    }
    for (int i = 0; i < batch.size(); i++) {
      NewEvent e = Objects.requireNonNull(batch.get(i), "batch element == null");
      List<String> topics = sortedTopics(e);
      for (int j = 1; j < topics.size(); j++) {
        if (topics.get(j).equals(topics.get(j - 1))) {
          return "event " + i + " of the batch lists topic '" + topics.get(j) + "' twice";
        }
      }
      if (checkRetry && e.retry().filter(Duration::isNegative).isPresent()) {
        return "event " + i + " of the batch has a negative retry";
      }
    }
    return "";
  }

  /**
   * The first publisher-chosen id {@code batch} uses twice, or that {@code taken} says is already
   * used by a retained event; empty if none.
   */
  static Optional<String> duplicateId(List<NewEvent> batch, Predicate<String> taken) {
    Set<String> seen = new HashSet<>();
    for (NewEvent e : batch) {
      if (e.customId().isPresent()) {
        String id = e.customId().get();
        if (!seen.add(id) || taken.test(id)) {
          return Optional.of(id);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code e}'s topics in the canonical order every store returns them in (sorted), so an append
   * result, the listener and a later {@code readAfter} agree on {@link StoredEvent#equals}.
   */
  static List<String> sortedTopics(NewEvent e) {
    List<String> topics = e.topics();
    if (topics.size() == 1) {
      return topics;
    }
    List<String> sorted = new ArrayList<>(topics);
    sorted.sort(null);
    return sorted;
  }

  /** {@code e} as stored with {@code id} and {@code timeMillis}, topics in canonical order. */
  static StoredEvent stored(NewEvent e, long id, long timeMillis) {
    return new StoredEvent(id, timeMillis, sortedTopics(e), e.event(), e.data(), e.retry(), e.isPrivate(), e.customId());
  }
}
