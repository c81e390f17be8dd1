package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FanOutTest {
  private static StoredEvent event(long id) {
    return new StoredEvent(id, 0, List.of("t"), Optional.empty(), "d" + id, Optional.empty());
  }

  @Test
  void deliversEveryBatchInOrderOnItsOwnThreadAndDrainsOnStop() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    FanOut fanOut = new FanOut("test-fanout", batch -> {
      threads.add(Thread.currentThread().getName());
      batch.forEach(e -> seen.add(e.id()));
    });
    List<Long> expected = new ArrayList<>();
    long id = 0;
    for (int b = 0; b < 2_000; b++) {
      List<StoredEvent> batch = new ArrayList<>();
      for (int i = 0; i <= b % 3; i++) {
        batch.add(event(++id));
        expected.add(id);
      }
      fanOut.accept(batch);
    }
    fanOut.accept(List.of());
    fanOut.stop(Duration.ofSeconds(30));
    assertThat(seen).isEqualTo(expected);
    assertThat(threads).containsOnly("test-fanout");
  }

  @Test
  void aFailingDelivererDoesNotStopLaterBatches() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    FanOut fanOut = new FanOut("test-fanout", batch -> {
      if (batch.get(0).id() == 1) {
        throw new IllegalStateException("boom");
      }
      batch.forEach(e -> seen.add(e.id()));
    });
    fanOut.accept(List.of(event(1)));
    fanOut.accept(List.of(event(2)));
    fanOut.stop(Duration.ofSeconds(30));
    assertThat(seen).containsExactly(2L);
  }

  @Test
  void aPublisherWaitingForRoomIsReleasedByStop() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    FanOut fanOut = new FanOut("test-fanout", batch -> {
      try {
        never.await(); // a deliverer that is stuck
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    AtomicInteger accepted = new AtomicInteger();
    Thread publisher = new Thread(() -> {
      for (long id = 1; id <= FanOut.CAPACITY + 10; id++) {
        fanOut.accept(List.of(event(id)));
        accepted.incrementAndGet();
      }
    });
    publisher.start();
    // the queue is full and the publisher waits for room (it would end if accept did not block)
    await("publisher waiting for room").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
        .until(() -> accepted.get() >= FanOut.CAPACITY
            && (publisher.getState() == Thread.State.WAITING || publisher.getState() == Thread.State.TIMED_WAITING));
    assertThat(publisher.isAlive()).as("waits while the queue is full").isTrue();
    fanOut.stop(Duration.ofMillis(200));
    publisher.join(30_000);
    assertThat(publisher.isAlive()).as("released by stop").isFalse();
  }
}
