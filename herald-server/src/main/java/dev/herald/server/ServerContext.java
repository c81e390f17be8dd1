package dev.herald.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/** What every connection of one running server shares; immutable. {@code json} reads and writes JSON bodies. */
record ServerContext(Router router, ExecutorService workers, Heartbeats streams, RequestTimeouts timeouts,
    int maxRequestBytes, long maxBufferedBytes, Ticker ticker, JsonCodec json) {

  /** Runs {@code task} on a worker, or on the calling thread if the pool refuses it. */
  void runOnWorker(Runnable task) {
    if (!tryOnWorker(task)) {
      task.run();
    }
  }

  /** Hands {@code task} to a worker; false (and {@code task} not run) if the pool refuses it. */
  boolean tryOnWorker(Runnable task) {
    try {
      workers.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }
}
