package dev.herald.hub;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The hub's event history: assigns ids, keeps events durably (or in memory), replays them by id
 * and topic, and enforces retention. Implementations: {@code SqliteHistoryStore} (default,
 * durable) and {@code MemoryHistoryStore} (bounded ring). All methods are thread-safe.
 *
 * <p>Ordering contract: ids are assigned in strictly increasing order, never reused (also across
 * restarts, and after its files were deleted or replaced, for a durable store; not necessarily
 * consecutive); the {@linkplain #onAppended listener} sees every appended event
 * exactly once, in id order (one call may carry several appends, e.g. a whole group commit),
 * <em>after</em> it is durable and <em>before</em> the append's future
 * completes — so a reader that registers live delivery before calling {@link #readAfter} misses
 * nothing. (The hub's listener only queues the batch for its fan-out thread, so an ack does not
 * wait for the fan-out to thousands of subscribers.)
 */
interface HistoryStore extends AutoCloseable {

  /**
   * Appends {@code batch} atomically (all or nothing) with consecutive ids. With an idempotency
   * key seen within the store's idempotency window, appends nothing and completes with the first
   * append's events and {@code duplicate = true}. Completes exceptionally if the store fails, and
   * with {@link DuplicateIdException} (nothing stored) if a publisher-chosen id is already taken.
   * Same as {@link #append(List, Optional, String)} with no request hash.
   */
  default CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> idempotencyKey) {
    return append(batch, idempotencyKey, "");
  }

  /**
   * Like {@link #append(List, Optional)}, remembering {@code requestHash} (a digest of the
   * request that carried the key, "" for none) with the key: a duplicate's
   * {@link AppendResult#requestHash()} is the first append's, so the caller can tell a repeat
   * of the same request from a different request reusing the key.
   */
  CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> idempotencyKey, String requestHash);

  /**
   * Retained events with id greater than {@code afterId} having at least one topic matched by
   * {@code selectors}, oldest first, at most {@code limit} of them.
   */
  List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit);

  /**
   * The hub id of the retained event whose publisher-chosen id ({@link StoredEvent#customId}) is
   * {@code wireId}, so a client resuming after it continues from there; empty if no retained event
   * has it. Publisher-chosen ids are unique among retained events: an append reusing one fails with
   * {@link DuplicateIdException} and stores nothing.
   */
  OptionalLong positionOf(String wireId);

  /** The highest id ever assigned, 0 if none. */
  long lastId();

  /**
   * The highest id removed by retention (0 if none was ever removed): a client resuming after an
   * id below this may have missed events that are gone.
   */
  long trimmedThrough();

  /** Sets the one listener for appended batches; see the class comment for its guarantees. */
  void onAppended(Consumer<List<StoredEvent>> listener);

  /** Removes events beyond the retention limits now; also runs periodically in the background. */
  void enforceRetention();

  /** Whether the store can currently serve reads and appends (for {@code /readyz}). */
  boolean isReady();

  /**
   * Empty when the store can serve reads and appends now, else why not (for {@code /readyz}).
   * A durable store tests what an append needs (it can write), not only that it answers.
   */
  default Optional<String> checkReady() {
    return isReady() ? Optional.empty() : Optional.of("the history store is not ready");
  }

  /** Retention and idempotency settings of a store. Immutable. */
  final class Limits {
    final long maxEvents;
    final Duration maxAge;
    final Duration idempotencyWindow;

    Limits(long maxEvents, Duration maxAge, Duration idempotencyWindow) {
      this.maxEvents = maxEvents;
      this.maxAge = maxAge;
      this.idempotencyWindow = idempotencyWindow;
    }
  }

  /** Waits for pending appends to become durable, then releases the store. */
  @Override
  void close();
}
