package dev.herald.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link SseParser}: splits bytes into lines without decoding them, interprets each line on
 * its bytes, and decodes only field values (data once per event). Bytes of a line that spans
 * chunks are kept in a reusable buffer; a line inside one chunk is read in place. Not
 * thread-safe.
 */
final class RealSseParser implements SseParser {
  private static final int CR = '\r';
  private static final int LF = '\n';
  private static final int COLON = ':';
  private static final int SPACE = ' ';

  private final Listener listener;
  private final Utf8 utf8 = new Utf8();
  /** The bytes of the current line so far, when it started in an earlier chunk. */
  private final ByteArray line = new ByteArray(256);
  /** The data buffer as UTF-8 bytes, each value followed by LF; decoded once at dispatch. */
  private final ByteArray data = new ByteArray(1024);
  private byte[] scratch;

  private String lastEventId;
  private String idBuffer;
  private String type = "";
  /** The last {@code event} value seen, as bytes and decoded, so a repeated name is decoded once. */
  private byte[] typeBytes = new byte[0];
  private String typeName = "";
  private Duration reconnectionTime;

  private boolean firstLine = true;
  private boolean skipLf;
  private boolean ended;

  RealSseParser(Listener listener, String lastEventId) {
    this.listener = listener;
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  @Override
  public void feed(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes == null");
    feed(bytes, 0, bytes.length);
  }

  @Override
  public void feed(byte[] bytes, int offset, int length) {
    Objects.requireNonNull(bytes, "bytes == null");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (ended) {
      throw new IllegalStateException("end() was called");
    }
    int end = offset + length;
    int i = offset;
    if (skipLf && i < end) {
      skipLf = false;
      if (bytes[i] == LF) {
        i++;
      }
    }
    int start = i;
    while (i < end) {
      byte b = bytes[i];
      if (b != LF && b != CR) {
        i++;
        continue;
      }
      if (line.size == 0) {
        line(bytes, start, i - start);
      } else {
        line.append(bytes, start, i - start);
        int n = line.size;
        line.clear();
        line(line.bytes, 0, n);
      }
      i++;
      if (b == CR) {
        if (i == end) {
          skipLf = true;
        } else if (bytes[i] == LF) {
          i++;
        }
      }
      start = i;
    }
    if (start < end) {
      line.append(bytes, start, end - start);
    }
  }

  @Override
  public void feed(ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer == null");
    if (buffer.hasArray()) {
      int position = buffer.position();
      feed(buffer.array(), buffer.arrayOffset() + position, buffer.remaining());
      buffer.position(buffer.limit());
      return;
    }
    if (scratch == null) {
      scratch = new byte[8192];
    }
    while (buffer.hasRemaining()) {
      int n = Math.min(scratch.length, buffer.remaining());
      buffer.get(scratch, 0, n);
      feed(scratch, 0, n);
    }
  }

  @Override
  public void end() {
    ended = true;
    line.clear();
    data.clear();
    type = "";
    skipLf = false;
  }

  @Override
  public String lastEventId() {
    return lastEventId;
  }

  @Override
  public Optional<Duration> reconnectionTime() {
    return Optional.ofNullable(reconnectionTime);
  }

  /** Interprets one line (without its terminator). */
  private void line(byte[] b, int offset, int length) {
    if (firstLine) {
      firstLine = false;
      if (length >= 3 && b[offset] == (byte) 0xEF && b[offset + 1] == (byte) 0xBB && b[offset + 2] == (byte) 0xBF) {
        offset += 3;
        length -= 3;
      }
    }
    if (length == 0) {
      dispatch();
      return;
    }
    int end = offset + length;
    if (b[offset] == COLON) {
      listener.onComment(utf8.decode(b, offset + 1, length - 1));
      return;
    }
    int colon = offset;
    while (colon < end && b[colon] != COLON) {
      colon++;
    }
    int nameLength = colon - offset;
    int value = colon;
    if (colon < end) {
      value++;
      if (value < end && b[value] == SPACE) {
        value++;
      }
    }
    int valueLength = end - value;
    if (nameLength == 4 && b[offset] == 'd' && b[offset + 1] == 'a' && b[offset + 2] == 't' && b[offset + 3] == 'a') {
      data.append(b, value, valueLength);
      data.append((byte) LF);
    } else if (nameLength == 5 && b[offset] == 'e' && b[offset + 1] == 'v' && b[offset + 2] == 'e'
        && b[offset + 3] == 'n' && b[offset + 4] == 't') {
      event(b, value, valueLength);
    } else if (nameLength == 2 && b[offset] == 'i' && b[offset + 1] == 'd') {
      id(b, value, valueLength);
    } else if (nameLength == 5 && b[offset] == 'r' && b[offset + 1] == 'e' && b[offset + 2] == 't'
        && b[offset + 3] == 'r' && b[offset + 4] == 'y') {
      retry(b, value, valueLength);
    }
    // Any other field name is ignored.
  }

  private void event(byte[] b, int offset, int length) {
    if (!Arrays.equals(b, offset, offset + length, typeBytes, 0, typeBytes.length)) {
      typeBytes = Arrays.copyOfRange(b, offset, offset + length);
      typeName = utf8.decode(b, offset, length);
    }
    type = typeName;
  }

  private void id(byte[] b, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (b[i] == 0) {
        return; // U+0000 in UTF-8 is always the byte 00: the field is ignored.
      }
    }
    idBuffer = length == 0 ? "" : utf8.decode(b, offset, length);
  }

  private void retry(byte[] b, int offset, int length) {
    if (length == 0) {
      return;
    }
    long millis = 0;
    for (int i = offset; i < offset + length; i++) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9) {
        return;
      }
      millis = millis > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : millis * 10 + digit;
    }
    reconnectionTime = Duration.ofMillis(millis);
    listener.onRetry(reconnectionTime);
  }

  private void dispatch() {
    lastEventId = idBuffer;
    if (data.size == 0) {
      type = "";
      return;
    }
    String text = utf8.decode(data.bytes, 0, data.size - 1);
    String eventType = type;
    data.clear();
    type = "";
    listener.onEvent(MessageEvent.of(eventType, text, lastEventId));
  }
}
