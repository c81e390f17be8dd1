package dev.herald.examples;

import dev.herald.server.SseStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

/**
 * Drives a timed stream from the shared scheduler: calls {@code step} with n = first, first + 1,
 * … once per interval until it returns false (then the stream is closed) or the stream closes
 * (then the task is cancelled). No thread or timer per stream beyond one scheduled task.
 */
final class Ticker {
  private Ticker() {}

  static void run(ScheduledExecutorService scheduler, Duration interval, SseStream stream, int first, IntPredicate step) {
    AtomicInteger next = new AtomicInteger(first);
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable tick = () -> {
      if (!stream.isOpen() || !step.test(next.getAndIncrement())) {
        stream.close();
        ScheduledFuture<?> f = task.get();
        if (f != null) {
          f.cancel(false);
        }
      }
    };
    long millis = Math.max(1, interval.toMillis());
    task.set(scheduler.scheduleAtFixedRate(tick, millis, millis, TimeUnit.MILLISECONDS));
    stream.onClose(reason -> task.get().cancel(false));
  }
}
