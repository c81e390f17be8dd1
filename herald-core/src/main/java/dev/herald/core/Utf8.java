package dev.herald.core;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding exactly as the WHATWG Encoding Standard's decoder: each maximal subpart of an
 * ill-formed sequence becomes one U+FFFD. The JDK decoder differs for encoded surrogates
 * ({@code ED A0 80} gives one U+FFFD there, three here), hence this class.
 *
 * <p>Lines of an event stream are decoded one at a time: CR and LF never occur inside a
 * well-formed multi-byte sequence and always end an ill-formed one, so decoding line by line
 * gives the same text as decoding the whole stream. An instance reuses one scratch buffer and is
 * not thread-safe.
 */
final class Utf8 {
  private char[] chars = new char[256];

  /** Decodes {@code length} bytes of {@code bytes} from {@code offset}; no BOM handling. */
  String decode(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (i < end && bytes[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    if (chars.length < length) {
      chars = new char[Math.max(length, chars.length * 2)];
    }
    char[] out = chars;
    int n = 0;
    for (int k = offset; k < i; k++) {
      out[n++] = (char) bytes[k];
    }
    int needed = 0;
    int seen = 0;
    int codePoint = 0;
    int lower = 0x80;
    int upper = 0xBF;
    while (i < end) {
      int b = bytes[i] & 0xFF;
      if (needed == 0) {
        i++;
        if (b < 0x80) {
          out[n++] = (char) b;
        } else if (b >= 0xC2 && b <= 0xDF) {
          needed = 1;
          codePoint = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
          lower = b == 0xE0 ? 0xA0 : 0x80;
          upper = b == 0xED ? 0x9F : 0xBF;
          needed = 2;
          codePoint = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
          lower = b == 0xF0 ? 0x90 : 0x80;
          upper = b == 0xF4 ? 0x8F : 0xBF;
          needed = 3;
          codePoint = b & 0x07;
        } else {
          out[n++] = '\uFFFD';
        }
        continue;
      }
      if (b < lower || b > upper) {
        // Ill-formed: the subpart so far becomes one U+FFFD; this byte is looked at again.
        out[n++] = '\uFFFD';
        needed = 0;
        seen = 0;
        lower = 0x80;
        upper = 0xBF;
        continue;
      }
      i++;
      lower = 0x80;
      upper = 0xBF;
      codePoint = (codePoint << 6) | (b & 0x3F);
      if (++seen == needed) {
        if (codePoint >= 0x10000) {
          out[n++] = Character.highSurrogate(codePoint);
          out[n++] = Character.lowSurrogate(codePoint);
        } else {
          out[n++] = (char) codePoint;
        }
        needed = 0;
        seen = 0;
      }
    }
    if (needed != 0) {
      out[n++] = '\uFFFD';
    }
    return new String(out, 0, n);
  }
}
