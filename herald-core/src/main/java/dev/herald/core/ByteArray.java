package dev.herald.core;

import java.util.Arrays;

/** A growable byte array, reused across lines and events. Not thread-safe. */
final class ByteArray {
  byte[] bytes;
  int size;

  ByteArray(int capacity) {
    bytes = new byte[capacity];
  }

  void append(byte[] src, int offset, int length) {
    ensure(length);
    System.arraycopy(src, offset, bytes, size, length);
    size += length;
  }

  void append(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  void clear() {
    size = 0;
  }

  private void ensure(int more) {
    int needed = size + more;
    if (needed > bytes.length) {
      if (needed < 0) {
        throw new OutOfMemoryError("line or event larger than 2 GiB");
      }
      bytes = Arrays.copyOf(bytes, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L)));
    }
  }
}
