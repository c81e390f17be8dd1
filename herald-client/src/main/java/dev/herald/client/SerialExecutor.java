package dev.herald.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: the first submitter
 * schedules a drain, later ones only enqueue. {@code execute} never blocks and never runs a task
 * on the caller's thread unless the delegate throws (rejects it, or is broken): then the caller
 * drains, so no task is ever left queued without a drainer. Thread-safe.
 */
final class SerialExecutor implements Executor {
  private final Executor delegate;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      try {
        delegate.execute(this::drain);
      } catch (RuntimeException e) { // rejected, or a broken executor: never leave the queue without a drainer
        drain();
      }
    }
  }

  private void drain() {
    do {
      Runnable task = tasks.poll();
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    } while (pending.decrementAndGet() != 0);
  }
}
