package dev.herald.client;

/**
 * The open stream ended. Two cases, told apart by {@link #endedCleanly()}:
 *
 * <ul>
 *   <li>cleanly: the response body ended as its framing says (the chunked terminator, the
 *       {@code Content-Length}, or the server closing a body without either) after a complete
 *       event. A source that reconnects reports it to {@code onError} with {@code willRetry}
 *       and reconnects; for a {@link ReconnectPolicy#never()} source it is the normal end of the
 *       answer and no error is reported;
 *   <li>abruptly: the connection was reset or closed in the middle of the body (a chunked body
 *       without its terminator, fewer bytes than {@code Content-Length}), or the body ended in
 *       the middle of an event (bytes after the last blank line, which are discarded).
 *       {@link #getCause()} is the I/O error, when there is one. A {@code never()} source reports
 *       it with {@code willRetry == false}, and an {@link EventStream} throws it: the answer is
 *       incomplete.
 * </ul>
 */
public final class StreamEndedException extends HeraldClientException {
  private static final long serialVersionUID = 1L;

  private final boolean endedCleanly;

  StreamEndedException(String message, boolean endedCleanly, Throwable cause) {
    super(message, 0, cause);
    this.endedCleanly = endedCleanly;
  }

  /** Whether the body ended as its framing says after a complete event; see the class Javadoc. */
  public boolean endedCleanly() {
    return endedCleanly;
  }
}
