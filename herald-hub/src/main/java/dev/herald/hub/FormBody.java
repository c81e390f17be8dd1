package dev.herald.hub;

import dev.herald.server.HttpException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an {@code application/x-www-form-urlencoded} body into its fields, strictly: a
 * malformed percent-escape or invalid UTF-8 is a 400 naming the field. Stateless.
 */
final class FormBody {
  private FormBody() {}

  /** The fields of an {@code application/x-www-form-urlencoded} body, names and values decoded as UTF-8. */
  static List<String[]> fields(byte[] body) {
    List<String[]> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '&') {
        if (i > start) {
          int eq = start;
          while (eq < i && body[eq] != '=') {
            eq++;
          }
          String name = decode(body, start, eq, "a field name");
          String value = eq < i ? decode(body, eq + 1, i, "field '" + name + "'") : "";
          fields.add(new String[] {name, value});
        }
        start = i + 1;
      }
    }
    return fields;
  }

  private static String decode(byte[] b, int from, int to, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '+') {
        out.write(' ');
      } else if (c == '%') {
        int hi = i + 2 < to ? Character.digit(b[i + 1], 16) : -1;
        int lo = i + 2 < to ? Character.digit(b[i + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new HttpException(400, what + " has a malformed percent-escape");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    try {
      return strictUtf8(out.toByteArray());
    } catch (CharacterCodingException e) {
      throw new HttpException(400, what + " is not valid UTF-8");
    }
  }

  /** {@code bytes} decoded as UTF-8; a malformed sequence fails instead of becoming U+FFFD. */
  static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes)).toString();
  }

  /**
   * {@code value} for form field {@code name}, unless the field came before ({@code previous} not
   * null): a field given twice is a 400 rather than one of its values silently winning.
   */
  static String once(String name, String previous, String value) {
    if (previous != null) {
      throw new HttpException(400, "field '" + name + "' is given more than once");
    }
    return value;
  }
}
