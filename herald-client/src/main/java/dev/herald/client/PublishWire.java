package dev.herald.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bytes of a publish and the reading of its answer. Herald's {@code POST /publish} takes JSON
 * ({@code {"topics":[…],"data":"…","event":…,"private":true,"retry":ms}}, an array for a batch)
 * and answers {@code {"id":"…"}} or {@code {"ids":[…]}}; Mercure's form has {@code topic},
 * {@code data}, {@code private=on}, {@code id}, {@code type}, {@code retry} and answers the id as
 * text. Errors: Herald's {@code {"status":…,"message":"…"}}, or any text. Stateless.
 */
final class PublishWire {
  static final String JSON = "application/json";
  static final String FORM = "application/x-www-form-urlencoded";
  private static final int MAX_MESSAGE_CHARS = 2000;

  private PublishWire() {}

  /** The JSON body for Herald's publish: an object for one update, an array for a batch. */
  static String heraldJson(List<HubUpdate> updates, boolean batch) {
    StringBuilder out = new StringBuilder();
    if (batch) {
      out.append('[');
    }
    for (int i = 0; i < updates.size(); i++) {
      HubUpdate u = updates.get(i);
      if (u.id().isPresent()) {
        throw new IllegalArgumentException("update " + i + " has an id, but a Herald hub assigns ids itself"
            + " (POST /publish refuses 'id'); leave it out, or publish to /.well-known/mercure with HubPublisher.toMercure");
      }
      out.append(i == 0 ? "{\"topics\":[" : ",{\"topics\":[");
      for (int t = 0; t < u.topics().size(); t++) {
        jsonString(out.append(t == 0 ? "" : ","), u.topics().get(t));
      }
      jsonString(out.append("],\"data\":"), u.data());
      u.type().ifPresent(type -> jsonString(out.append(",\"event\":"), type));
      if (u.isPrivate()) {
        out.append(",\"private\":true");
      }
      u.retry().ifPresent(r -> out.append(",\"retry\":").append(r.toMillis()));
      out.append('}');
    }
    if (batch) {
      out.append(']');
    }
    return out.toString();
  }

  /** The Mercure form of one update. */
  static String mercureForm(HubUpdate u) {
    StringBuilder out = new StringBuilder();
    for (String topic : u.topics()) {
      field(out, "topic", topic);
    }
    field(out, "data", u.data());
    if (u.isPrivate()) {
      field(out, "private", "on");
    }
    u.id().ifPresent(id -> field(out, "id", id));
    u.type().ifPresent(type -> field(out, "type", type));
    u.retry().ifPresent(r -> field(out, "retry", Long.toString(r.toMillis())));
    return out.toString();
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(out.length() == 0 ? "" : "&").append(name).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** Appends {@code s} as a JSON string literal. */
  static StringBuilder jsonString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"');
  }

  /** The ids of a Herald answer, {@code {"id":"7"}} or {@code {"ids":["7","8"]}}; empty if neither. */
  static List<String> heraldIds(String body) {
    Optional<Integer> ids = valueStart(body, "ids");
    List<String> out = new ArrayList<>();
    if (ids.isPresent() && body.charAt(ids.get()) == '[') {
      int at = ids.get() + 1;
      while (true) {
        at = skipSpace(body, at);
        if (at >= body.length() || body.charAt(at) != '"') {
          return out;
        }
        int[] end = new int[1];
        out.add(readString(body, at, end));
        at = skipSpace(body, end[0]);
        if (at >= body.length() || body.charAt(at) != ',') {
          return out;
        }
        at++;
      }
    }
    stringValue(body, "id").ifPresent(out::add);
    return out;
  }

  /** The hub's explanation in an error body: the JSON {@code message}, else the (shortened) text. */
  static String errorMessage(String body) {
    Optional<String> message = stringValue(body, "message");
    String text = message.orElse(body).strip();
    return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "..." : text;
  }

  /** The string value of top-level-looking key {@code key}, if the body has one. */
  static Optional<String> stringValue(String body, String key) {
    Optional<Integer> at = valueStart(body, key);
    if (at.isEmpty() || body.charAt(at.get()) != '"') {
      return Optional.empty();
    }
    return Optional.of(readString(body, at.get(), new int[1]));
  }

  /** Where the value of {@code "key":} starts, after spaces. */
  private static Optional<Integer> valueStart(String body, String key) {
    String quoted = "\"" + key + "\"";
    int from = 0;
    while (true) {
      int k = body.indexOf(quoted, from);
      if (k < 0) {
        return Optional.empty();
      }
      int colon = skipSpace(body, k + quoted.length());
      if (colon < body.length() && body.charAt(colon) == ':') {
        int v = skipSpace(body, colon + 1);
        return v < body.length() ? Optional.of(v) : Optional.empty();
      }
      from = k + 1;
    }
  }

  private static int skipSpace(String s, int at) {
    while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
      at++;
    }
    return at;
  }

  /** Reads the JSON string starting at the quote at {@code at}; {@code end[0]} is set after it. */
  private static String readString(String s, int at, int[] end) {
    StringBuilder out = new StringBuilder();
    int i = at + 1;
    while (i < s.length() && s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c == '\\' && i < s.length()) {
        char e = s.charAt(i++);
        switch (e) {
          case 'n': out.append('\n'); break;
          case 'r': out.append('\r'); break;
          case 't': out.append('\t'); break;
          case 'b': out.append('\b'); break;
          case 'f': out.append('\f'); break;
          case 'u':
            try {
              out.append((char) Integer.parseInt(s.substring(i, Math.min(i + 4, s.length())), 16));
              i += 4;
            } catch (NumberFormatException notHex) {
              out.append("\\u"); // not an escape: kept as written
            }
            break;
          default: out.append(e);
        }
      } else {
        out.append(c);
      }
    }
    end[0] = Math.min(i + 1, s.length());
    return out.toString();
  }
}
