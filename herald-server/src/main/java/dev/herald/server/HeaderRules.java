package dev.herald.server;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The checks every header a handler or filter adds goes through: a name that is an HTTP token, a
 * value without CR, LF or NUL (which would split the response or end the head early), and not one
 * of the headers the server frames the response with. Stateless.
 */
final class HeaderRules {
  /** Set by the server on every answer (framing); a handler or filter cannot set them. */
  static final Set<String> SERVER_OWNED = Set.of("content-length", "transfer-encoding", "connection");

  private HeaderRules() {}

  /** Throws {@link IllegalArgumentException} naming the header unless {@code name: value} may be sent. */
  static void check(String name, String value) {
    Objects.requireNonNull(name, "header name == null");
    Objects.requireNonNull(value, "value of header " + name + " == null");
    if (name.isEmpty() || !name.chars().allMatch(HeaderRules::isTokenChar)) {
      throw new IllegalArgumentException("invalid header name '" + shown(name)
          + "': a header name is a non-empty token (letters, digits and !#$%&'*+-.^_`|~), no spaces, ':' or CR/LF");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException("value of header " + name + " must not contain CR, LF or NUL"
            + " (found " + (c == '\r' ? "CR" : c == '\n' ? "LF" : "NUL") + " at index " + i + ")");
      }
    }
  }

  /** Whether {@code name} (any case) is one of {@code names} (lower case). */
  static boolean isOneOf(String name, Set<String> names) {
    return names.contains(name.toLowerCase(Locale.ROOT));
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  private static String shown(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }
}
