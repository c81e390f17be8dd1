package dev.herald.hub;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A history store that hands every call to {@code delegate}: the base of test stores that change
 * one or two calls (count reads, hold appends) of a real store.
 */
abstract class ForwardingStore implements HistoryStore {
  final HistoryStore delegate;

  ForwardingStore(HistoryStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> key, String requestHash) {
    return delegate.append(batch, key, requestHash);
  }

  @Override
  public List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    return delegate.readAfter(afterId, selectors, limit);
  }

  @Override
  public java.util.OptionalLong positionOf(String wireId) {
    return delegate.positionOf(wireId);
  }

  @Override
  public long lastId() {
    return delegate.lastId();
  }

  @Override
  public long trimmedThrough() {
    return delegate.trimmedThrough();
  }

  @Override
  public void onAppended(Consumer<List<StoredEvent>> listener) {
    delegate.onAppended(listener);
  }

  @Override
  public void enforceRetention() {
    delegate.enforceRetention();
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public Optional<String> checkReady() {
    return delegate.checkReady();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
