package dev.herald.server;

/** What every connection of one running server shares; immutable. {@code json} reads and writes JSON bodies. */
record ServerContext(Router router, HandlerExecutors executors, Heartbeats streams, RequestTimeouts timeouts,
    int maxRequestBytes, long maxBufferedBytes, Ticker ticker, JsonCodec json) {

  /** Hands a plain handler's {@code task} to its executor; false (and {@code task} not run) if refused. */
  boolean tryOnWorker(Runnable task) {
    return executors.tryPlain(task);
  }

  /** Hands an SSE handler's {@code task} to its executor; false (and {@code task} not run) if refused. */
  boolean tryOnStreamWorker(Runnable task) {
    return executors.trySse(task);
  }

  /**
   * A new lane for one stream's callbacks: they run in the order given, one at a time, on the
   * callback threads (never behind blocked handlers), or on the calling thread if those refuse.
   */
  SerialLane callbackLane() {
    return executors.callbackLane();
  }
}
