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
 * <p>Cost: matching walks the topic once per template part, keeping the set of reachable
 * positions; O(parts × variables² × length²) in the worst case, with length at most
 * {@link Topics#MAX_LENGTH}, and no backtracking blow-up. Immutable; thread-safe.
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
      for (int p = at.nextSetBit(0); p >= 0; p = at.nextSetBit(p + 1)) {
        if (part instanceof String lit) {
          if (topic.startsWith(lit, p)) {
            next.set(p + lit.length());
          }
        } else {
          expand((Expression) part, topic, p, next);
        }
      }
      if (next.isEmpty()) {
        return false;
      }
      at = next;
    }
    return at.get(n);
  }

  /** Adds to {@code out} every position where {@code e}, matched from {@code p}, can end. */
  private static void expand(Expression e, String topic, int p, BitSet out) {
    out.set(p); // every variable undefined: the expression expands to ""
    String first = e.first();
    if (!topic.startsWith(first, p)) {
      return;
    }
    int n = topic.length();
    int k = e.vars().size();
    // ends[i]: positions where a match whose last defined variable is i can end
    BitSet[] ends = new BitSet[k];
    for (int i = 0; i < k; i++) {
      ends[i] = new BitSet(n + 1);
      item(e, e.vars().get(i), topic, p + first.length(), ends[i]);
      for (int j = 0; j < i; j++) {
        for (int q = ends[j].nextSetBit(0); q >= 0; q = ends[j].nextSetBit(q + 1)) {
          if (q < n && topic.charAt(q) == e.sep()) {
            item(e, e.vars().get(i), topic, q + 1, ends[i]);
          }
        }
      }
      out.or(ends[i]);
    }
  }

  /** One variable's expansion from {@code p}: a value, or for explode a list joined by the separator. */
  private static void item(Expression e, Var v, String topic, int p, BitSet out) {
    BitSet one = new BitSet(topic.length() + 1);
    single(e, v, topic, p, one);
    out.or(one);
    if (!v.explode()) {
      return;
    }
    BitSet frontier = one;
    while (!frontier.isEmpty()) {
      BitSet more = new BitSet(topic.length() + 1);
      for (int q = frontier.nextSetBit(0); q >= 0; q = frontier.nextSetBit(q + 1)) {
        if (q < topic.length() && topic.charAt(q) == e.sep()) {
          single(e, v, topic, q + 1, more);
        }
      }
      more.andNot(out);
      out.or(more);
      frontier = more;
    }
  }

  /** One value from {@code p}, preceded by {@code name=} (or {@code name} alone for ';') when named. */
  private static void single(Expression e, Var v, String topic, int p, BitSet out) {
    int q = p;
    if (e.named()) {
      if (!topic.startsWith(v.name(), q)) {
        return;
      }
      q += v.name().length();
      if (e.op() == ';') {
        out.set(q); // ;name for an empty value
      }
      if (q >= topic.length() || topic.charAt(q) != '=') {
        return;
      }
      q++;
    }
    value(topic, q, v.maxLength(), e.reserved(), out);
  }

  /** Every end of a run of allowed characters from {@code p}, at most {@code max} of them (−1: no limit). */
  private static void value(String topic, int p, int max, boolean reserved, BitSet out) {
    out.set(p);
    int count = 0;
    int q = p;
    while (q < topic.length() && (max < 0 || count < max)) {
      char c = topic.charAt(q);
      if (c == '%') {
        if (!triplet(topic, q)) {
          return;
        }
        q += 3;
      } else if (isUnreserved(c) || reserved && RESERVED_CHARS.indexOf(c) >= 0) {
        q++;
      } else {
        return;
      }
      count++;
      out.set(q);
    }
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
