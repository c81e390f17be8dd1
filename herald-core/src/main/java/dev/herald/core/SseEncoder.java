package dev.herald.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

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
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimate(event));
    event.comment().ifPresent(c -> writeLines(out, COMMENT, COMMENT, c));
    event.retry().ifPresent(r -> {
      out.writeBytes(RETRY);
      out.writeBytes(Long.toString(r.toMillis()).getBytes(StandardCharsets.US_ASCII));
      out.write('\n');
    });
    event.id().ifPresent(id -> writeField(out, ID, id));
    event.event().ifPresent(name -> writeField(out, EVENT, name));
    event.data().ifPresent(d -> writeLines(out, DATA, DATA_EMPTY, d));
    out.write('\n');
    return out.toByteArray();
  }

  /** The wire form of a comment-only block, e.g. a heartbeat: {@code :text\n\n}. */
  public static byte[] comment(String text) {
    return encode(SseEvent.comment(text));
  }

  private static int estimate(SseEvent e) {
    int n = 16;
    n += e.data().map(String::length).orElse(0) + 8;
    n += e.id().map(String::length).orElse(0);
    n += e.event().map(String::length).orElse(0);
    n += e.comment().map(String::length).orElse(0);
    return n;
  }

  private static void writeField(ByteArrayOutputStream out, byte[] prefix, String value) {
    out.writeBytes(prefix);
    out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  /** Writes one prefixed line per line of {@code text}; an empty line uses {@code emptyPrefix}. */
  private static void writeLines(ByteArrayOutputStream out, byte[] prefix, byte[] emptyPrefix, String text) {
    int start = 0;
    int len = text.length();
    for (int i = 0; i <= len; i++) {
      char c = i < len ? text.charAt(i) : '\n';
      if (c == '\r' || c == '\n') {
        writeLine(out, prefix, emptyPrefix, text, start, i);
        if (c == '\r' && i + 1 < len && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
  }

  private static void writeLine(ByteArrayOutputStream out, byte[] prefix, byte[] emptyPrefix, String text, int from, int to) {
    if (from == to) {
      out.writeBytes(emptyPrefix);
    } else {
      out.writeBytes(prefix);
      out.writeBytes(text.substring(from, to).getBytes(StandardCharsets.UTF_8));
    }
    out.write('\n');
  }
}
