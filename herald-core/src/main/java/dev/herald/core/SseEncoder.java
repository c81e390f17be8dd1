package dev.herald.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns {@link SseEvent}s into {@code text/event-stream} bytes (UTF-8). The bytes are produced
 * once per event, so a broadcast can write the same array to every subscriber.
 *
 * <p>Layout: comment lines ({@code :text}), then {@code retry:}, {@code id:}, {@code event:}
 * and one {@code data:} line per line of data, then a blank line. CR, LF and CRLF inside data
 * and comments all start a new line. Stateless and thread-safe.
 */
public final class SseEncoder {
  private static final byte[] COMMENT = {':'};
  private static final byte[] RETRY = "retry: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA_EMPTY = "data:".getBytes(StandardCharsets.US_ASCII);

  private SseEncoder() {}

  /** The complete wire form of {@code event}, ending with a blank line. */
  public static byte[] encode(SseEvent event) {
    byte[] comment = utf8(event.comment().orElse(null));
    byte[] retry = event.retry().map(r -> Long.toString(r.toMillis()).getBytes(StandardCharsets.US_ASCII)).orElse(null);
    byte[] id = utf8(event.id().orElse(null));
    byte[] name = utf8(event.event().orElse(null));
    byte[] data = utf8(event.data().orElse(null));
    Writer out = new Writer(1
        + linesSize(comment, COMMENT.length)
        + fieldSize(retry, RETRY.length)
        + fieldSize(id, ID.length)
        + fieldSize(name, EVENT.length)
        + linesSize(data, DATA.length));
    out.lines(COMMENT, COMMENT, comment);
    out.field(RETRY, retry);
    out.field(ID, id);
    out.field(EVENT, name);
    out.lines(DATA, DATA_EMPTY, data);
    out.put((byte) '\n');
    return out.bytes();
  }

  /** The wire form of a comment-only block, e.g. a heartbeat: {@code :text\n\n}. */
  public static byte[] comment(String text) {
    return encode(SseEvent.comment(text));
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static int fieldSize(byte[] value, int prefix) {
    return value == null ? 0 : prefix + value.length + 1;
  }

  /** An upper bound: every line break may start a new prefixed line. */
  private static int linesSize(byte[] text, int prefix) {
    if (text == null) {
      return 0;
    }
    int breaks = 0;
    for (byte b : text) {
      if (b == '\r' || b == '\n') {
        breaks++;
      }
    }
    return text.length + (breaks + 1) * (prefix + 1);
  }

  /** A fixed-capacity byte sink; CR and LF are single bytes in UTF-8, so lines split on bytes. */
  private static final class Writer {
    private final byte[] buf;
    private int pos;

    Writer(int capacity) {
      this.buf = new byte[capacity];
    }

    void put(byte b) {
      buf[pos++] = b;
    }

    void put(byte[] bytes, int from, int to) {
      System.arraycopy(bytes, from, buf, pos, to - from);
      pos += to - from;
    }

    void field(byte[] prefix, byte[] value) {
      if (value != null) {
        put(prefix, 0, prefix.length);
        put(value, 0, value.length);
        put((byte) '\n');
      }
    }

    /** One prefixed line per line of {@code text}; an empty line uses {@code emptyPrefix}. */
    void lines(byte[] prefix, byte[] emptyPrefix, byte[] text) {
      if (text == null) {
        return;
      }
      int start = 0;
      int len = text.length;
      for (int i = 0; i <= len; i++) {
        byte c = i < len ? text[i] : (byte) '\n';
        if (c == '\r' || c == '\n') {
          byte[] p = i == start ? emptyPrefix : prefix;
          put(p, 0, p.length);
          put(text, start, i);
          put((byte) '\n');
          if (c == '\r' && i + 1 < len && text[i + 1] == '\n') {
            i++;
          }
          start = i + 1;
        }
      }
    }

    byte[] bytes() {
      return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }
  }
}
