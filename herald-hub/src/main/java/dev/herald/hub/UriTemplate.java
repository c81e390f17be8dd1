package dev.herald.hub;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * An RFC 6570 URI template used as a topic selector, as Mercure uses them: a topic matches when
 * some values of the template's variables expand the template to exactly the topic.
 *
 * <p>Supported: literals (compared as written, character for character); the operators of
 * levels 1–4 — none ({@code {var}}), {@code +}, {@code #}, {@code .}, {@code /}, {@code ;},
 * {@code ?}, {@code &}; several variables in one expression ({@code {x,y}}, each may be left
 * undefined); the prefix modifier {@code :n} (at most n characters, a percent-escape triplet
 * counting as one) and the explode modifier {@code *} (a list: one or more values joined by the
 * operator's separator, each {@code name=value} for the named operators). Not supported, and
 * refused: the reserved operators {@code = , ! @ |} and {@code $ ( )}; non-exploded list or
 * associative-array values (a variable matches one string); exploded associative arrays.
 *
 * <p>A value matches only what an expansion can produce: for {@code {var}}, {@code .},
 * {@code /}, {@code ;}, {@code ?}, {@code &}, the unreserved characters ({@code A-Z a-z 0-9 - . _ ~})
 * and percent-escape triplets ({@code %C3%A9}); for {@code +} and {@code #} also the reserved
 * characters ({@code :/?#[]@!$&'()*+,;=}). So {@code {id}} never spans a {@code /}, and a
 * character that an expansion would percent-encode (such as a literal {@code é}) does not match a
 * variable: {@code https://example.com/books/{id}} matches {@code …/books/caf%C3%A9} but not
 * {@code …/books/café}. No percent-decoding or normalization is done on either side.
 *
 * <p>Cost: matching sweeps the topic once per template part and variable, keeping the set of
 * reachable positions (no backtracking): O(variables × length) for a template without prefix
 * modifiers, O(variables × length × n) with {@code :n}; length is at most
 * {@link Topics#MAX_LENGTH}. Immutable; thread-safe.
 */
final class UriTemplate {
  /** Most expressions in one template. */
  static final int MAX_EXPRESSIONS = 16;
  /** Most variables in one expression. */
  static final int MAX_VARIABLES = 8;
  private static final String OPERATORS = "+#./;?&";
  private static final String RESERVED_OPERATORS = "=,!@|$()";
  private static final String RESERVED_CHARS = ":/?#[]@!$&'()*+,;=";

  private final String text;
  private final List<Object> parts; // String literal or Expression
  private final String literalPrefix;

  private UriTemplate(String text, List<Object> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
    this.literalPrefix = parts.isEmpty() || !(parts.get(0) instanceof String) ? "" : (String) parts.get(0);
  }

  /** One variable of an expression. */
  private record Var(String name, int maxLength, boolean explode) {}

  /** One {@code {…}} expression. */
  private record Expression(char op, List<Var> vars) {
    String first() {
      return op == 0 || op == '+' ? "" : String.valueOf(op);
    }

    char sep() {
      return switch (op) {
        case 0, '+', '#' -> ',';
        case '?', '&' -> '&';
        default -> op;
      };
    }

    boolean named() {
      return op == ';' || op == '?' || op == '&';
    }

    boolean reserved() {
      return op == '+' || op == '#';
    }
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
  static UriTemplate parse(String text) {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int expressions = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '}') {
        throw bad(text, "'}' at position " + i + " closes no expression");
      }
      if (c == '*') {
        throw bad(text, "'*' is only allowed as an explode modifier inside an expression, such as {list*}");
      }
      if (c != '{') {
        literal.append(c);
        i++;
        continue;
      }
      int end = text.indexOf('}', i);
      if (end < 0) {
        throw bad(text, "the expression at position " + i + " has no closing '}'");
      }
      if (++expressions > MAX_EXPRESSIONS) {
        throw bad(text, "more than " + MAX_EXPRESSIONS + " expressions");
      }
      if (literal.length() > 0) {
        parts.add(literal.toString());
        literal.setLength(0);
      }
      parts.add(expression(text, text.substring(i + 1, end)));
      i = end + 1;
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    return new UriTemplate(text, parts);
  }

  private static Expression expression(String text, String body) {
    if (body.isEmpty()) {
      throw bad(text, "empty expression {}");
    }
    if (body.indexOf('{') >= 0) {
      throw bad(text, "expressions cannot be nested");
    }
    char op = 0;
    char c = body.charAt(0);
    if (RESERVED_OPERATORS.indexOf(c) >= 0) {
      throw bad(text, "operator '" + c + "' in {" + body + "} is reserved by RFC 6570 and not supported");
    }
    if (OPERATORS.indexOf(c) >= 0) {
      op = c;
      body = body.substring(1);
    }
    String[] specs = body.split(",", -1);
    if (specs.length > MAX_VARIABLES) {
      throw bad(text, "more than " + MAX_VARIABLES + " variables in one expression");
    }
    List<Var> vars = new ArrayList<>();
    for (String spec : specs) {
      vars.add(var(text, spec));
    }
    return new Expression(op, vars);
  }

  private static Var var(String text, String spec) {
    String name = spec;
    int max = -1;
    boolean explode = false;
    if (spec.endsWith("*")) {
      explode = true;
      name = spec.substring(0, spec.length() - 1);
    } else if (spec.indexOf(':') >= 0) {
      name = spec.substring(0, spec.indexOf(':'));
      String n = spec.substring(spec.indexOf(':') + 1);
      if (!n.matches("[1-9][0-9]{0,3}")) {
        throw bad(text, "prefix modifier ':" + n + "' must be a number from 1 to 9999");
      }
      max = Integer.parseInt(n);
    }
    if (!validName(name)) {
      throw bad(text, "'" + spec + "' is not a variable name (letters, digits, '_', '.' and %XX escapes"
          + (name.indexOf('*') >= 0 || name.indexOf(':') >= 0 ? "; one modifier, ':n' or '*', at the end" : "") + ")");
    }
    return new Var(name, max, explode);
  }

  private static boolean validName(String name) {
    if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%') {
        if (!triplet(name, i)) {
          return false;
        }
        i += 2;
      } else if (!(isAlnum(c) || c == '_' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("URI template '" + SubscribeHandler.echo(text) + "': " + why);
  }

  /** The template as written. */
  String text() {
    return text;
  }

  /** The literal text before the first expression; every matching topic starts with it. */
  String literalPrefix() {
    return literalPrefix;
  }

  /** Whether some values of the variables expand this template to exactly {@code topic}. */
  boolean matches(String topic) {
    int n = topic.length();
    BitSet at = new BitSet(n + 1);
    at.set(0);
    for (Object part : parts) {
      BitSet next = new BitSet(n + 1);
      if (part instanceof String lit) {
        for (int p = at.nextSetBit(0); p >= 0; p = at.nextSetBit(p + 1)) {
          if (topic.startsWith(lit, p)) {
            next.set(p + lit.length());
          }
        }
      } else {
        expand((Expression) part, topic, at, next);
      }
      if (next.isEmpty()) {
        return false;
      }
      at = next;
    }
    return at.get(n);
  }

  /**
   * Adds to {@code out} every position where {@code e} can end when it starts at one of
   * {@code from}. Positions are the whole state (which variables came before does not matter
   * beyond their order), so all starts are handled together: O(variables × length).
   */
  private static void expand(Expression e, String topic, BitSet from, BitSet out) {
    int n = topic.length();
    out.or(from); // every variable undefined: the expression expands to ""
    String first = e.first();
    BitSet afterFirst = new BitSet(n + 1);
    for (int p = from.nextSetBit(0); p >= 0; p = from.nextSetBit(p + 1)) {
      if (topic.startsWith(first, p)) {
        afterFirst.set(p + first.length());
      }
    }
    BitSet done = new BitSet(n + 1); // ends of matches whose last defined variable came before this one
    for (Var v : e.vars()) {
      BitSet starts = (BitSet) afterFirst.clone();
      for (int q = done.nextSetBit(0); q >= 0 && q < n; q = done.nextSetBit(q + 1)) {
        if (topic.charAt(q) == e.sep()) {
          starts.set(q + 1);
        }
      }
      BitSet ends = new BitSet(n + 1);
      item(e, v, topic, starts, ends);
      done.or(ends);
    }
    out.or(done);
  }

  /**
   * One variable's expansion from any of {@code starts}, into {@code out}: a value (after
   * {@code name=}, or {@code name} alone for ';', when named), or for explode several joined by
   * the separator. One left-to-right sweep: every step only marks positions ahead of it.
   */
  private static void item(Expression e, Var v, String topic, BitSet starts, BitSet out) {
    int n = topic.length();
    BitSet s = (BitSet) starts.clone(); // where one value (with its name, when named) may start
    BitSet run = new BitSet(n + 2); // where an unlimited value run is under way
    for (int q = 0; q <= n; q++) {
      if (s.get(q)) {
        int r = q;
        boolean ok = true;
        if (e.named()) {
          ok = topic.startsWith(v.name(), q);
          r = q + v.name().length();
          if (ok && e.op() == ';') {
            out.set(r); // ;name for an empty value
          }
          ok = ok && r < n && topic.charAt(r) == '=';
          r++;
        }
        if (ok) {
          if (v.maxLength() < 0) {
            run.set(r);
          } else {
            prefixRun(topic, r, v.maxLength(), e.reserved(), out);
          }
        }
      }
      if (run.get(q)) {
        out.set(q);
        int len = unit(topic, q, e.reserved());
        if (len > 0) {
          run.set(q + len);
        }
      }
      if (v.explode() && out.get(q) && q < n && topic.charAt(q) == e.sep()) {
        s.set(q + 1);
      }
    }
  }

  /** Every end of a value of at most {@code max} units from {@code p}. */
  private static void prefixRun(String topic, int p, int max, boolean reserved, BitSet out) {
    out.set(p);
    int q = p;
    for (int count = 0; count < max; count++) {
      int len = unit(topic, q, reserved);
      if (len == 0) {
        return;
      }
      q += len;
      out.set(q);
    }
  }

  /** The length of the value unit at {@code q} (1, or 3 for a %XX triplet), 0 if none may be there. */
  private static int unit(String topic, int q, boolean reserved) {
    if (q >= topic.length()) {
      return 0;
    }
    char c = topic.charAt(q);
    if (c == '%') {
      return triplet(topic, q) ? 3 : 0;
    }
    return isUnreserved(c) || reserved && RESERVED_CHARS.indexOf(c) >= 0 ? 1 : 0;
  }

  private static boolean triplet(String s, int i) {
    return i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2));
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static boolean isAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  private static boolean isUnreserved(char c) {
    return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
  }

  @Override
  public String toString() {
    return text;
  }
}
