package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A store's gap signal ({@link HistoryStore#onGap}) reaches the hub in order with the batches around it. */
class FanOutGapTest {
  private static StoredEvent event(long id) {
    return new StoredEvent(id, 0, List.of("t"), Optional.empty(), "d" + id, Optional.empty());
  }

  @Test
  void aGapIsHandledAfterTheBatchesBeforeItAndBeforeThoseAfter() {
    List<String> seen = new CopyOnWriteArrayList<>();
    FanOut fanOut = new FanOut("test-fanout", batch -> batch.forEach(e -> seen.add("event " + e.id())),
        through -> seen.add("gap through " + through + " on " + Thread.currentThread().getName()));
    fanOut.accept(List.of(event(1), event(2)));
    fanOut.gap(9);
    fanOut.accept(List.of(event(10)));
    fanOut.gap(20);
    fanOut.stop(Duration.ofSeconds(30));
    assertThat(seen).containsExactly("event 1", "event 2", "gap through 9 on test-fanout", "event 10",
        "gap through 20 on test-fanout");
  }

  @Test
  void aFailingGapHandlerDoesNotStopLaterBatches() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    FanOut fanOut = new FanOut("test-fanout", batch -> batch.forEach(e -> seen.add(e.id())), through -> {
      throw new IllegalStateException("boom");
    });
    fanOut.gap(5);
    fanOut.accept(List.of(event(6)));
    fanOut.stop(Duration.ofSeconds(30));
    assertThat(seen).containsExactly(6L);
  }

  @Test
  void storesWhoseListenerSeesEveryAppendNeverSignalAGap() throws Exception {
    try (MemoryHistoryStore store = new MemoryHistoryStore(HistoryStore.Limits.of(2, Duration.ofDays(1), Duration.ZERO))) {
      List<Long> gaps = new CopyOnWriteArrayList<>();
      store.onGap(gaps::add);
      for (int i = 0; i < 5; i++) {
        store.append(List.of(new NewEvent(List.of("t"), Optional.empty(), "x" + i, Optional.empty())), Optional.empty()).get();
      }
      store.enforceRetention();
      assertThat(store.trimmedThrough()).as("retention removed some").isPositive();
      assertThat(gaps).isEmpty();
    }
  }
}
