package dev.herald.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits and strictly percent-decodes URL paths. Stateless. */
final class PathCodec {
  private PathCodec() {}

  /**
   * The segments of {@code path} (leading slash dropped, one trailing slash ignored), still raw.
   * {@code "/"} has no segments.
   */
  static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    int start = path.startsWith("/") ? 1 : 0;
    int end = path.length();
    if (end > start && path.charAt(end - 1) == '/') {
      end--;
    }
    if (end <= start) {
      return out;
    }
    int from = start;
    for (int i = start; i <= end; i++) {
      if (i == end || path.charAt(i) == '/') {
        out.add(path.substring(from, i));
        from = i + 1;
      }
    }
    return out;
  }

  /** Percent-decodes one segment as UTF-8; {@code +} stays a plus. Bad escapes throw. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("truncated percent escape in path");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad percent escape in path");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Decodes every segment of {@code rawPath}. */
  static List<String> decodedSegments(String rawPath) {
    List<String> raw = split(rawPath);
    List<String> out = new ArrayList<>(raw.size());
    for (String segment : raw) {
      out.add(decode(segment));
    }
    return out;
  }

  /** The decoded path, e.g. for {@link Request#path()}. */
  static String decodePath(String rawPath) {
    StringBuilder sb = new StringBuilder();
    int from = 0;
    for (int i = 0; i <= rawPath.length(); i++) {
      if (i == rawPath.length() || rawPath.charAt(i) == '/') {
        sb.append(decode(rawPath.substring(from, i)));
        if (i < rawPath.length()) {
          sb.append('/');
        }
        from = i + 1;
      }
    }
    return sb.toString();
  }
}
