package dev.herald.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A history store for hub tests that keeps the {@link HistoryStore} contract like a real
 * asynchronous store (one writer thread assigns ids, keeps the batch, calls the listener, then
 * completes the future) and can be told to fail appends, report not ready, or be slow. Retention
 * keeps the newest {@code maxEvents}. Thread-safe.
 */
final class TestStore implements HistoryStore {
  private final long maxEvents;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "test-store-writer");
    t.setDaemon(true);
    return t;
  });
  private final List<StoredEvent> events = new ArrayList<>(); // guarded by this
  private final Map<String, AppendResult> keys = new HashMap<>(); // guarded by this
  private volatile long lastId;
  private volatile long trimmedThrough;
  private volatile Consumer<List<StoredEvent>> listener = b -> {};
  volatile boolean failAppends;
  volatile boolean ready = true;
  volatile long appendDelayMillis;

  TestStore(long maxEvents) {
    this.maxEvents = maxEvents;
  }

  @Override
  public CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> key, String requestHash) {
    CompletableFuture<AppendResult> f = new CompletableFuture<>();
    writer.execute(() -> {
      try {
        if (appendDelayMillis > 0) {
          Thread.sleep(appendDelayMillis);
        }
        if (failAppends) {
          throw new IllegalStateException("disk on fire");
        }
        AppendResult result;
        synchronized (this) {
          if (key.isPresent() && keys.containsKey(key.get())) {
            AppendResult first = keys.get(key.get());
            f.complete(new AppendResult(first.events(), true, first.requestHash()));
            return;
          }
          java.util.Optional<String> taken = Stores.duplicateId(batch, id -> positionOf(id).isPresent());
          if (taken.isPresent()) {
            throw new DuplicateIdException(taken.get());
          }
          List<StoredEvent> stored = new ArrayList<>();
          long now = System.currentTimeMillis();
          for (NewEvent e : batch) {
            stored.add(e.stored(lastId + stored.size() + 1, now));
          }
          events.addAll(stored);
          lastId += stored.size();
          while (events.size() > maxEvents) {
            trimmedThrough = events.remove(0).id();
          }
          result = new AppendResult(stored, false, requestHash);
          key.ifPresent(k -> keys.put(k, result));
        }
        listener.accept(result.events());
        f.complete(result);
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  @Override
  public synchronized List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    List<StoredEvent> out = new ArrayList<>();
    for (StoredEvent e : events) {
      if (e.id() > afterId && e.matchesAny(selectors)) {
        out.add(e);
        if (out.size() == limit) {
          break;
        }
      }
    }
    return out;
  }

  @Override
  public synchronized java.util.OptionalLong positionOf(String wireId) {
    for (StoredEvent e : events) {
      if (e.customId().filter(wireId::equals).isPresent()) {
        return java.util.OptionalLong.of(e.id());
      }
    }
    return java.util.OptionalLong.empty();
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
    this.listener = listener;
  }

  @Override
  public void enforceRetention() {}

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
