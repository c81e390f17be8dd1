package dev.herald.client;

import java.nio.ByteBuffer;

/**
 * Watches the bytes of a stream for whether it stands at the end of an event: no partial line and
 * no field line since the last blank line (comment lines do not count: they are already
 * reported). A stream whose body ends elsewhere ended in the middle of an event, which the parser
 * discards. CR, LF and CRLF end lines, as in the parser. Not thread-safe: fed by the reading thread.
 */
final class BlockTracker {
  private boolean atLineStart = true;
  private boolean afterCr;
  private boolean commentLine;
  private boolean fieldPending;

  /** Scans the remaining bytes of {@code buffer} without moving its position. */
  void scan(ByteBuffer buffer) {
    for (int i = buffer.position(); i < buffer.limit(); i++) {
      byte b = buffer.get(i);
      if (b == '\n' && afterCr) {
        afterCr = false;
        continue;
      }
      afterCr = b == '\r';
      if (b == '\r' || b == '\n') {
        if (atLineStart) {
          fieldPending = false; // a blank line: the block is dispatched
        } else {
          fieldPending |= !commentLine;
          atLineStart = true;
        }
      } else if (atLineStart) {
        atLineStart = false;
        commentLine = b == ':';
      }
    }
  }

  /** Whether the bytes so far end with a complete block (or nothing but comments since one). */
  boolean atEventBoundary() {
    return atLineStart && !fieldPending;
  }
}
