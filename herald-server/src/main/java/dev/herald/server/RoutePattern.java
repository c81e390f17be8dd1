package dev.herald.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A parsed route pattern such as {@code /users/{id}}; immutable. */
final class RoutePattern implements Comparable<RoutePattern> {
  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String text;
  /** Literal segment text, or {@code null} where the segment is a parameter. */
  private final List<String> literals;
  private final List<String> params;

  private RoutePattern(String text, List<String> literals, List<String> params) {
    this.text = text;
    this.literals = literals;
    this.params = params;
  }

  /**
   * Parses {@code pattern}; a refusal is an {@link IllegalArgumentException} naming the problem,
   * its position (0-based) and the pattern, e.g. {@code unclosed '{' at position 7 in route
   * pattern '/users/{id'}.
   */
  static RoutePattern parse(String pattern) {
    if (pattern.isEmpty() || pattern.charAt(0) != '/') {
      throw new IllegalArgumentException("route pattern must start with '/': '" + pattern + "'");
    }
    List<String> literals = new ArrayList<>();
    List<String> params = new ArrayList<>();
    // the same segments as PathCodec.split: leading slash dropped, one trailing slash ignored
    int end = pattern.length() > 1 && pattern.charAt(pattern.length() - 1) == '/' ? pattern.length() - 1 : pattern.length();
    int from = 1;
    while (from <= end && end > 1) {
      int to = pattern.indexOf('/', from);
      if (to < 0 || to > end) {
        to = end;
      }
      String segment = pattern.substring(from, to);
      String name = paramName(pattern, segment, from);
      if (name == null) {
        literals.add(segment);
        params.add(null);
      } else {
        if (params.contains(name)) {
          throw refusal("duplicate path parameter '" + name + "'", from, pattern, "give each parameter its own name");
        }
        literals.add(null);
        params.add(name);
      }
      from = to + 1;
    }
    return new RoutePattern(pattern, literals, params);
  }

  /** The parameter name of {@code segment} (starting at {@code at}), {@code null} for a literal. */
  private static String paramName(String pattern, String segment, int at) {
    int open = segment.indexOf('{');
    int close = segment.indexOf('}');
    if (open < 0 && close < 0) {
      return null;
    }
    if (close >= 0 && (open < 0 || close < open)) {
      throw refusal("'}' without '{'", at + close, pattern, null);
    }
    if (close < 0) {
      throw refusal("unclosed '{'", at + open, pattern, null);
    }
    int second = segment.indexOf('{', open + 1);
    if (second >= 0 && second < close) {
      throw refusal("'{' inside a parameter", at + second, pattern, null);
    }
    if (open != 0 || close != segment.length() - 1) {
      throw refusal("parameter '" + segment + "' is not a whole segment", at, pattern,
          "a parameter fills a whole segment between slashes, such as '/users/{id}'");
    }
    String name = segment.substring(1, close);
    if (name.isEmpty()) {
      throw refusal("empty parameter name '{}'", at, pattern, "name it, such as '{id}'");
    }
    if (!PARAM_NAME.matcher(name).matches()) {
      throw refusal("bad path parameter name '" + name + "'", at, pattern,
          "a name is a letter or '_' followed by letters, digits or '_'");
    }
    return name;
  }

  private static IllegalArgumentException refusal(String what, int position, String pattern, String fix) {
    return new IllegalArgumentException(what + " at position " + position + " in route pattern '" + pattern + "'"
        + (fix == null ? "" : ": " + fix));
  }

  /** The parameters when {@code segments} (decoded) match, else {@code null}. */
  Map<String, String> match(List<String> segments) {
    if (segments.size() != literals.size()) {
      return null;
    }
    Map<String, String> values = null;
    for (int i = 0; i < segments.size(); i++) {
      String literal = literals.get(i);
      String segment = segments.get(i);
      if (literal != null) {
        if (!literal.equals(segment)) {
          return null;
        }
      } else {
        if (segment.isEmpty()) {
          return null;
        }
        if (values == null) {
          values = new HashMap<>();
        }
        values.put(params.get(i), segment);
      }
    }
    return values == null ? Map.of() : values;
  }

  /** The shape ignoring parameter names, so {@code /a/{x}} and {@code /a/{y}} collide. */
  String shape() {
    StringBuilder sb = new StringBuilder();
    for (String literal : literals) {
      sb.append('/').append(literal == null ? "{}" : literal);
    }
    return sb.toString();
  }

  /** Literal segments sort before parameters, so {@code /users/me} wins over {@code /users/{id}}. */
  @Override
  public int compareTo(RoutePattern other) {
    int n = Math.min(literals.size(), other.literals.size());
    for (int i = 0; i < n; i++) {
      boolean a = literals.get(i) == null;
      boolean b = other.literals.get(i) == null;
      if (a != b) {
        return a ? 1 : -1;
      }
    }
    return Integer.compare(literals.size(), other.literals.size());
  }

  @Override
  public String toString() {
    return text;
  }
}
