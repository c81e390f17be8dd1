package dev.herald.client;

/** The state of an {@link EventSource}, as in the browser's {@code EventSource.readyState}. */
public enum ReadyState {
  /** Connecting, or waiting to reconnect after a network error or the end of the stream. */
  CONNECTING,
  /** The server answered 200 with {@code text/event-stream}; events are being received. */
  OPEN,
  /** Closed for good: by {@link EventSource#close()}, a 204, a fatal error or a policy without retry. */
  CLOSED
}
