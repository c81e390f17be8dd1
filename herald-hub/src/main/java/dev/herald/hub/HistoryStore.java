package dev.herald.hub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The hub's event history, an extension point: it assigns ids, keeps events durably (or in
 * memory), replays them by id and topic, and enforces retention. Herald ships
 * {@code SqliteHistoryStore} (default, durable), {@code MemoryHistoryStore} (bounded ring) and,
 * in the {@code herald-redis} module, a store on a Redis stream shared by several hubs; a store
 * found on the class path is offered to {@code herald serve --store NAME} by a
 * {@link HistoryStoreProvider}. All methods are thread-safe. Every store passes the contract test
 * suite {@code HistoryStoreContract} (in herald-hub's test jar).
 *
 * <h2>Ids</h2>
 * Every stored event has two ids:
 * <ul>
 *   <li>its <em>position</em>, {@link StoredEvent#id()}: a {@code long}, at least 1, assigned in
 *       strictly increasing order and never reused (also across restarts and, for a durable or
 *       shared store, across every node appending to it), not necessarily consecutive. The hub
 *       orders, replays ({@link #readAfter}) and detects gaps ({@link #trimmedThrough}) by it;
 *   <li>its <em>wire id</em>, {@link StoredEvent#wireId()}, the {@code id:} clients see and send
 *       back as {@code Last-Event-ID}: the publisher-chosen id if it has one, else the store's
 *       own id ({@link StoredEvent#storeId()}). Clients treat it as opaque. SQLite and memory
 *       stores use the decimal position; the Redis store uses the stream entry id
 *       {@code <ms>-<seq>}, whose position is {@code ms << 20 | seq} (so positions keep Redis's
 *       order and a store never needs a second index).
 * </ul>
 * The hub reads a decimal {@code Last-Event-ID} as a position and asks {@link #positionOf} for
 * any other.
 *
 * <h2>Appends and the listener</h2>
 * An append is atomic (all or nothing) and <em>durable before its future completes</em> (durable
 * as the store defines it; the store's documentation says against what: a process crash, a
 * machine crash). The {@linkplain #onAppended listener} sees every appended event exactly once,
 * in position order (one call may carry several appends, e.g. a group commit or, for a shared
 * store, other nodes' appends), <em>after</em> it is durable and <em>before</em> the append's
 * future completes — so a reader that registers for live delivery before calling
 * {@link #readAfter} misses nothing. The listener must return quickly (the hub's only queues the
 * batch for its fan-out thread). A store that cannot store an append completes it exceptionally
 * with {@link StoreUnavailableException} within a bounded time, never with a result for events
 * that were not stored; a bad batch with {@link IllegalArgumentException}; a taken
 * publisher-chosen id with {@link DuplicateIdException}.
 *
 * <h2>Retention</h2>
 * Events beyond {@link Limits} are removed (by count and age); {@link #trimmedThrough} reports
 * the highest removed position so the hub can tell a resuming client it missed events
 * ({@code herald-gap}) rather than skip them silently.
 */
public interface HistoryStore extends AutoCloseable {

  /**
   * Appends {@code batch} atomically (all or nothing) with increasing positions. With an
   * idempotency key seen within the store's idempotency window, appends nothing and completes
   * with the first append's ids and events and {@code duplicate = true}. Same as
   * {@link #append(List, Optional, String)} with no request hash.
   */
  default CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> idempotencyKey) {
    return append(batch, idempotencyKey, "");
  }

  /**
   * Like {@link #append(List, Optional)}, remembering {@code requestHash} (a digest of the
   * request that carried the key, "" for none) with the key: a duplicate's
   * {@link AppendResult#requestHash()} is the first append's, so the caller can tell a repeat
   * of the same request from a different request reusing the key. Completes exceptionally with
   * {@link IllegalArgumentException} for a bad batch (empty, a topic listed twice by one event, a
   * negative retry), {@link DuplicateIdException} (nothing stored) if a publisher-chosen id is
   * taken by a retained event or given twice, {@link StoreUnavailableException} if the store
   * cannot store it now.
   */
  CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> idempotencyKey, String requestHash);

  /**
   * Retained events with position greater than {@code afterId} (exclusive) having at least one
   * topic matched by {@code selectors} ({@link StoredEvent#matchesAny}), oldest first, at most
   * {@code limit} of them; empty for no selectors or a limit of 0.
   */
  List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit);

  /**
   * The position of the retained event whose wire id is {@code wireId} — its publisher-chosen id,
   * or for a store whose own ids are not decimal positions, its store id — so a client resuming
   * after it continues from there; empty if no retained event has it. (A decimal store id is no
   * publisher id: the hub reads it as a position itself.) Publisher-chosen ids are unique among
   * retained events.
   */
  OptionalLong positionOf(String wireId);

  /** The highest position ever assigned, 0 if none. */
  long lastId();

  /**
   * The highest position removed by retention (0 if none was ever removed): a client resuming
   * after a position below this may have missed events that are gone.
   */
  long trimmedThrough();

  /** Sets the one listener for appended batches; see the class comment for its guarantees. */
  void onAppended(Consumer<List<StoredEvent>> listener);

  /**
   * Sets the one listener told that the {@linkplain #onAppended appended-events listener} will
   * never see the events it has not seen yet up to position {@code trimmedThrough}: retention
   * removed them before this store read them (a node of a shared store that fell behind the
   * stream, e.g. frozen while other nodes appended more than retention keeps). Called on the
   * listener's thread, in order with its batches: after the last batch it did see, before the
   * next one. The hub then sends its live subscribers {@code herald-gap} rather than skip
   * silently. A store whose listener sees every append (memory, SQLite) never calls it, which is
   * this default.
   */
  default void onGap(LongConsumer listener) {
    Objects.requireNonNull(listener, "listener == null");
  }

  /** Removes events beyond the retention limits now; also runs periodically in the background. */
  void enforceRetention();

  /** Whether the store can currently serve reads and appends (for {@code /readyz}). */
  boolean isReady();

  /**
   * Empty when the store can serve reads and appends now, else why not (for {@code /readyz}).
   * A durable store tests what an append needs (it can write), not only that it answers; a
   * remote store answers within a bounded time.
   */
  default Optional<String> checkReady() {
    return isReady() ? Optional.empty() : Optional.of("the history store is not ready");
  }

  /**
   * One line saying how durable an acknowledged append is with this store's current settings,
   * logged by the hub at start-up; empty when there is nothing to say beyond the store's name.
   */
  default Optional<String> durability() {
    return Optional.empty();
  }

  /** Waits for pending appends to become durable (within a bounded time), then releases the store. */
  @Override
  void close();

  /**
   * Retention and idempotency settings of a store: the most events kept, the longest an event is
   * kept, and how long an idempotency key is remembered. Immutable; {@link #of} checks them.
   */
  final class Limits {
    final long maxEvents;
    final Duration maxAge;
    final Duration idempotencyWindow;

    Limits(long maxEvents, Duration maxAge, Duration idempotencyWindow) {
      this.maxEvents = maxEvents;
      this.maxAge = maxAge;
      this.idempotencyWindow = idempotencyWindow;
    }

    /**
     * Limits keeping at most {@code maxEvents} (at least 1) events, each at most {@code maxAge}
     * (positive), remembering idempotency keys for {@code idempotencyWindow} (0 or more); throws
     * {@link IllegalArgumentException} naming a bad value.
     */
    public static Limits of(long maxEvents, Duration maxAge, Duration idempotencyWindow) {
      return Stores.checkLimits(new Limits(maxEvents, Objects.requireNonNull(maxAge, "maxAge == null"),
          Objects.requireNonNull(idempotencyWindow, "idempotencyWindow == null")));
    }

    /** The most events kept. */
    public long maxEvents() {
      return maxEvents;
    }

    /** The longest an event is kept. */
    public Duration maxAge() {
      return maxAge;
    }

    /** How long an idempotency key is remembered. */
    public Duration idempotencyWindow() {
      return idempotencyWindow;
    }

    @Override
    public String toString() {
      return "Limits{maxEvents=" + maxEvents + ", maxAge=" + maxAge + ", idempotencyWindow=" + idempotencyWindow + "}";
    }
  }
}
