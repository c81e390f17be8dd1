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

  static RoutePattern parse(String pattern) {
    if (pattern.isEmpty() || pattern.charAt(0) != '/') {
      throw new IllegalArgumentException("route pattern must start with '/': " + pattern);
    }
    List<String> literals = new ArrayList<>();
    List<String> params = new ArrayList<>();
    for (String segment : PathCodec.split(pattern)) {
      if (segment.startsWith("{") && segment.endsWith("}")) {
        String name = segment.substring(1, segment.length() - 1);
        if (!PARAM_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("bad path parameter name '" + name + "' in " + pattern);
        }
        if (params.contains(name)) {
          throw new IllegalArgumentException("duplicate path parameter '" + name + "' in " + pattern);
        }
        literals.add(null);
        params.add(name);
      } else {
        if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0) {
          throw new IllegalArgumentException("a path parameter must be a whole segment: " + pattern);
        }
        literals.add(segment);
        params.add(null);
      }
    }
    return new RoutePattern(pattern, literals, params);
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
