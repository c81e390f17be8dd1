package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One stream's callbacks run one at a time, in order, although the callback pool has several threads. */
class SerialLaneTest {
  @Test
  void tasksRunOneAtATimeInTheOrderGiven() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialLane lane = new SerialLane(pool);
      int n = 2_000;
      List<Integer> ran = new ArrayList<>(); // touched by one task at a time, if the lane works
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger mostInside = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(n);
      for (int i = 0; i < n; i++) {
        int id = i;
        lane.execute(() -> {
          mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
          ran.add(id);
          inside.decrementAndGet();
          done.countDown();
        });
      }
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(mostInside.get()).isOne();
      assertThat(ran).hasSize(n).isSorted(); // the latch orders the tasks' writes before this read
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingTaskDoesNotStopTheLaneAndARefusingExecutorRunsTasksOnTheCaller() {
    Thread caller = Thread.currentThread();
    List<String> ran = new ArrayList<>();
    SerialLane lane = new SerialLane(task -> {
      throw new java.util.concurrent.RejectedExecutionException("stopping");
    });
    lane.execute(() -> {
      throw new IllegalStateException("a failing callback");
    });
    lane.execute(() -> ran.add(Thread.currentThread() == caller ? "on caller" : "elsewhere"));
    assertThat(ran).containsExactly("on caller");
  }
}
