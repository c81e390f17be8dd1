package dev.herald.server;

import java.util.function.IntConsumer;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one running server shares; immutable. {@code json} reads and writes
 * JSON bodies; {@code onRefused} is told the status of each request the server refuses itself.
 */
record ServerContext(Router router, HandlerExecutors executors, Heartbeats streams, RequestTimeouts timeouts,
    int maxRequestBytes, long maxBufferedBytes, Ticker ticker, JsonCodec json, int maxHeaderBytes,
    IntConsumer onRefused) {

  /** Loop: tells the listener of {@link HeraldServer.Builder#onRefused} that a request got {@code status}. */
  void refused(int status) {
    try {
      onRefused.accept(status);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(HeraldServer.class).warn("onRefused listener failed for status {}", status, e);
    }
  }

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
