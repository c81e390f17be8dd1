package dev.herald.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real history store wrapped for replay tests: counts {@link #readAfter} pages, can hold the
 * replay at a chosen page until released, and fills itself quickly. Thread-safe.
 */
final class CountingStore extends ForwardingStore {
  final AtomicInteger pagesRead = new AtomicInteger();
  private volatile int holdAtPage = -1;
  final CountDownLatch held = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private volatile int holdFirstReads;
  /** How many reads are waiting for {@link #release} (see {@link #holdFirst}). */
  final AtomicInteger holding = new AtomicInteger();

  CountingStore(HistoryStore delegate) {
    super(delegate);
  }

  /** The read of page {@code page} (1-based) waits for {@link #release} and counts down {@link #held}. */
  CountingStore holdAt(int page) {
    this.holdAtPage = page;
    return this;
  }

  /** The first {@code reads} reads each wait for {@link #release}, counted in {@link #holding}. */
  CountingStore holdFirst(int reads) {
    this.holdFirstReads = reads;
    return this;
  }

  /** Appends {@code count} events of {@code dataSize} characters to {@code topic}, ids 1.. in order. */
  CountingStore fill(String topic, int count, int dataSize) {
    String data = "d".repeat(dataSize);
    for (int done = 0; done < count; ) {
      List<NewEvent> batch = new ArrayList<>();
      for (int i = 0; i < 1000 && done < count; i++, done++) {
        batch.add(new NewEvent(List.of(topic), Optional.empty(), data, Optional.empty()));
      }
      delegate.append(batch, Optional.empty()).join();
    }
    return this;
  }

  @Override
  public List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    int n = pagesRead.incrementAndGet();
    if (n == holdAtPage || n <= holdFirstReads) {
      held.countDown();
      holding.incrementAndGet();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test never released the replay");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return delegate.readAfter(afterId, selectors, limit);
  }
}
