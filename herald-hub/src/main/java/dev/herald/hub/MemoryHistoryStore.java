package dev.herald.hub;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HistoryStore} in memory: a ring of at most {@code maxEvents} events, also trimmed by
 * age, plus a bounded, windowed map of idempotency keys and an index of the retained events'
 * publisher-chosen ids. Nothing survives a restart.
 *
 * <p>Threading: thread-safe. An append runs synchronously on the caller's thread under the
 * store's write lock, and the {@linkplain #onAppended listener} is called under that same lock
 * (so batches reach it in id order); the returned future is already complete. The listener must
 * therefore be quick and must not append. Reads take a read lock and run concurrently.
 */
final class MemoryHistoryStore implements HistoryStore {
  private static final Logger log = LoggerFactory.getLogger(MemoryHistoryStore.class);
  /** The ring never holds more than this many slots, whatever {@code maxEvents} says. */
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;
  /** Upper bound of remembered idempotency keys (fewer if {@code maxEvents} is lower). */
  static final int MAX_KEYS = 1_000_000;

  private final Limits limits;
  private final Clock clock;
  private final long capacity;
  private final int maxKeys;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final LinkedHashMap<String, Key> keys = new LinkedHashMap<>();
  /** Publisher-chosen ids of retained events → their hub ids; guarded by lock. */
  private final HashMap<String, Long> customIds = new HashMap<>();
  // guarded by lock
  private StoredEvent[] ring = new StoredEvent[16];
  private int head;
  private int size;
  private long lastTime = Long.MIN_VALUE;
  private volatile long lastId;
  private volatile long trimmedThrough;
  private volatile long oldestTime = Long.MAX_VALUE;
  private volatile boolean closed;
  private volatile Consumer<List<StoredEvent>> listener = batch -> {};

  MemoryHistoryStore(Limits limits) {
    this(limits, Clock.systemUTC());
  }

  MemoryHistoryStore(Limits limits, Clock clock) {
    this.limits = Stores.checkLimits(limits);
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.capacity = Math.min(limits.maxEvents, MAX_CAPACITY);
    this.maxKeys = (int) Math.min(Math.max(limits.maxEvents, 1024), MAX_KEYS);
  }

  private static final class Key {
    final long firstId;
    final long lastId;
    final long timeMillis;
    final String requestHash;

    Key(long firstId, long lastId, long timeMillis, String requestHash) {
      this.firstId = firstId;
      this.lastId = lastId;
      this.timeMillis = timeMillis;
      this.requestHash = requestHash;
    }
  }

  @Override
  public CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> idempotencyKey, String requestHash) {
    Objects.requireNonNull(batch, "batch == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    Objects.requireNonNull(requestHash, "requestHash == null");
    String problem = Stores.batchProblem(batch, true);
    if (!problem.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
    }
    lock.writeLock().lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(new StoreUnavailableException("memory history store is closed"));
      }
      long now = Math.max(lastTime, clock.millis());
      lastTime = now;
      expire(now);
      boolean keyed = idempotencyKey.isPresent() && !limits.idempotencyWindow.isZero();
      if (keyed) {
        Key k = keys.get(idempotencyKey.get());
        if (k != null) {
          return CompletableFuture.completedFuture(new AppendResult(k.firstId, k.lastId, retained(k.firstId, k.lastId), true,
              k.requestHash));
        }
      }
      Optional<String> taken = Stores.duplicateId(batch, customIds::containsKey);
      if (taken.isPresent()) {
        return CompletableFuture.failedFuture(new DuplicateIdException(taken.get()));
      }
      List<StoredEvent> stored = new ArrayList<>(batch.size());
      long id = lastId;
      for (NewEvent e : batch) {
        StoredEvent s = Stores.stored(e, ++id, now);
        add(s);
        stored.add(s);
      }
      lastId = id;
      if (keyed) {
        keys.put(idempotencyKey.get(), new Key(stored.get(0).id(), id, now, requestHash));
        if (keys.size() > maxKeys) {
          Iterator<String> it = keys.keySet().iterator();
          it.next();
          it.remove();
        }
      }
      List<StoredEvent> result = List.copyOf(stored);
      try {
        listener.accept(result);
      } catch (RuntimeException e) {
        log.warn("history listener failed for events {}..{}", result.get(0).id(), id, e);
      }
      return CompletableFuture.completedFuture(new AppendResult(result, false, requestHash));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Adds {@code e} at the tail, dropping the head when the ring is at {@code maxEvents}. */
  private void add(StoredEvent e) {
    if (size == capacity) {
      dropHead();
    }
    if (size == ring.length) {
      int n = (int) Math.min(capacity, Math.min((long) ring.length * 2, MAX_CAPACITY));
      StoredEvent[] bigger = new StoredEvent[n];
      for (int i = 0; i < size; i++) {
        bigger[i] = get(i);
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size) % ring.length] = e;
    size++;
    e.customId().ifPresent(c -> customIds.put(c, e.id()));
    oldestTime = get(0).timeMillis();
  }

  private StoredEvent get(int i) {
    return ring[(head + i) % ring.length];
  }

  private void dropHead() {
    StoredEvent e = ring[head];
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
    e.customId().ifPresent(customIds::remove);
    trimmedThrough = e.id();
    oldestTime = size == 0 ? Long.MAX_VALUE : get(0).timeMillis();
  }

  /** Drops events and idempotency keys older than their limits; holds the write lock. */
  private void expire(long now) {
    long cutoff = Stores.cutoff(now, limits.maxAge);
    while (size > 0 && get(0).timeMillis() < cutoff) {
      dropHead();
    }
    long keyCutoff = Stores.cutoff(now, limits.idempotencyWindow);
    Iterator<Key> it = keys.values().iterator();
    while (it.hasNext() && it.next().timeMillis < keyCutoff) {
      it.remove();
    }
  }

  /** The retained events with ids in [first, last]. */
  private List<StoredEvent> retained(long first, long last) {
    List<StoredEvent> out = new ArrayList<>();
    if (size == 0) {
      return out;
    }
    long base = get(0).id();
    for (long id = Math.max(first, base); id <= last && id - base < size; id++) {
      out.add(get((int) (id - base)));
    }
    return out;
  }

  @Override
  public List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    Objects.requireNonNull(selectors, "selectors == null");
    if (limit <= 0 || selectors.isEmpty()) {
      return List.of();
    }
    if (oldestTime < Stores.cutoff(clock.millis(), limits.maxAge)) {
      enforceRetention();
    }
    lock.readLock().lock();
    try {
      List<StoredEvent> out = new ArrayList<>();
      if (size == 0 || afterId >= lastId) {
        return out;
      }
      long base = get(0).id();
      int start = afterId < base ? 0 : (int) (afterId + 1 - base);
      for (int i = start; i < size && out.size() < limit; i++) {
        StoredEvent e = get(i);
        if (e.matchesAny(selectors)) {
          out.add(e);
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public OptionalLong positionOf(String wireId) {
    Objects.requireNonNull(wireId, "wireId == null");
    lock.readLock().lock();
    try {
      Long id = customIds.get(wireId);
      return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long lastId() {
    return lastId;
  }

  @Override
  public long trimmedThrough() {
    return trimmedThrough;
  }

  @Override
  public void onAppended(Consumer<List<StoredEvent>> listener) {
    this.listener = Objects.requireNonNull(listener, "listener == null");
  }

  @Override
  public void enforceRetention() {
    lock.writeLock().lock();
    try {
      expire(Math.max(lastTime, clock.millis()));
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean isReady() {
    return !closed;
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closed = true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Retained events and remembered keys, for tests and metrics. */
  Map<String, Long> sizes() {
    lock.readLock().lock();
    try {
      return Map.of("events", (long) size, "keys", (long) keys.size());
    } finally {
      lock.readLock().unlock();
    }
  }
}
