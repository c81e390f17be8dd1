package dev.herald.hub;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.server.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The hub's Jackson mapper: strict about what publishers send (a key given twice and anything
 * after the JSON value are errors), and the raw-text capture of JSON values: a value a
 * publisher sends is kept as the text it wrote (numbers, escapes and key order byte for byte),
 * with only the whitespace between tokens removed, never re-serialised from a tree.
 * Thread-safe once built.
 */
final class HubJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private HubJson() {}

  /**
   * A refusal the hub answers itself (not through {@link dev.herald.server.HttpException}), with
   * the server's error body {@code {"status":…,"error":"<reason>","message":"…"}}; add headers, then build.
   */
  static Response.Builder error(int status, String reason, String message) {
    ObjectNode json = MAPPER.createObjectNode().put("status", status).put("error", reason).put("message", message);
    return Response.builder().status(status).body(json.toString().getBytes(StandardCharsets.UTF_8), "application/json");
  }

  /** A streaming parser over {@code text}, with the mapper's strictness (duplicate keys fail). */
  static JsonParser parser(String text) throws IOException {
    return MAPPER.getFactory().createParser(text);
  }

  /**
   * The JSON text of the value at {@code p}'s current token, as written in {@code text} (the
   * parser's whole input), with the whitespace between tokens removed; {@code p} is left at
   * the value's last token. Uses the parser's character offsets, so nothing is re-encoded.
   */
  static String rawValue(JsonParser p, String text) throws IOException {
    JsonToken first = p.currentToken();
    int start = (int) p.currentTokenLocation().getCharOffset();
    p.skipChildren();
    if (!first.isStructStart()) {
      // a scalar: Jackson keeps the token's text as written (a number's digits, exponent and sign)
      return p.getText();
    }
    int end = (int) p.currentLocation().getCharOffset();
    char open = text.charAt(start);
    char close = text.charAt(end - 1);
    if (open != (first == JsonToken.START_OBJECT ? '{' : '[') || close != (open == '{' ? '}' : ']')) {
      throw new IllegalStateException("JSON value location " + start + ".." + end + " is not the value");
    }
    return compact(text, start, end);
  }

  /** {@code json[from, to)} without the whitespace outside strings; strings are copied as written. */
  static String compact(String json, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    boolean inString = false;
    for (int i = from; i < to; i++) {
      char c = json.charAt(i);
      if (inString) {
        sb.append(c);
        if (c == '\\') {
          sb.append(json.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        sb.append(c);
      } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
