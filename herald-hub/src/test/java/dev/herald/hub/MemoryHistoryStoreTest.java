package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryHistoryStoreTest extends HistoryStoreContract {
  @Override
  protected HistoryStore create(HistoryStore.Limits limits, Clock clock) {
    return new MemoryHistoryStore(limits, clock);
  }

  @Test
  void theRingNeverHoldsMoreThanMaxEvents() {
    HistoryStore s = open(3, DAY, WINDOW);
    for (int i = 0; i < 100; i++) {
      append(s, ev("" + i, "t"));
      assertThat(((MemoryHistoryStore) s).sizes().get("events")).isLessThanOrEqualTo(3L);
    }
    assertThat(ids(read(s, 0, 10, "**"))).containsExactly(98L, 99L, 100L);
    assertThat(s.trimmedThrough()).isEqualTo(97);
    assertThat(ids(read(s, 50, 10, "t"))).containsExactly(98L, 99L, 100L);
  }

  @Test
  void appendsCompleteOnTheCallersThread() {
    HistoryStore s = open();
    assertThat(s.append(List.of(ev("a", "t")), Optional.empty())).isCompleted();
  }

  @Test
  void idempotencyKeysAreBounded() {
    HistoryStore s = open(10, DAY, WINDOW);
    for (int i = 0; i < MemoryHistoryStore.MAX_KEYS / 500; i++) {
      appendKeyed(s, "k" + i, ev("" + i, "t"));
    }
    assertThat(((MemoryHistoryStore) s).sizes().get("keys")).isEqualTo(1024L);
  }
}
