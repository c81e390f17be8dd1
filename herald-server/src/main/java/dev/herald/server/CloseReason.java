package dev.herald.server;

/**
 * Why an {@link SseStream} ended; passed once to every {@link SseStream#onClose} callback.
 * Immutable and thread-safe.
 */
public enum CloseReason {
  /** The client closed its connection (noticed at once, not on the next write). */
  CLIENT_DISCONNECT,
  /** The application called {@link SseStream#close()}. */
  SERVER_CLOSE,
  /**
   * The client read too slowly: a plain send found the per-stream byte bound reached, or a
   * heartbeat found a stream that had been quiet for an interval still over half its bound (a
   * paced stream whose reader stopped). See {@link SseStream}.
   */
  SLOW_CONSUMER,
  /** The server is stopping; clients are expected to reconnect elsewhere or later. */
  SHUTDOWN,
  /** The handler or the connection failed after the stream had started. */
  ERROR
}
