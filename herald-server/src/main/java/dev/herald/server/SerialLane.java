package dev.herald.server;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks given to it one at a time, in the order given, on a shared executor: the
 * callbacks of one stream keep their order even though the executor has several threads. At
 * most one task of a lane is queued on or running in the executor at a time; if the executor
 * refuses it (the server is stopping), the tasks run on the calling thread. Thread-safe.
 */
final class SerialLane implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialLane.class);

  private final Executor executor;
  private final Queue<Runnable> tasks = new ArrayDeque<>(2); // guarded by this
  private boolean draining; // guarded by this

  SerialLane(Executor executor) {
    this.executor = executor;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (draining) {
        return; // the running drain takes it
      }
      draining = true;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      drain();
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) { // never leave the lane stuck as "draining"
        log.error("Stream callback task failed", e);
      }
    }
  }
}
