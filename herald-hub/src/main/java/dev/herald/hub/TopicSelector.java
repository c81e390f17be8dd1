package dev.herald.hub;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A topic selector, classified as Mercure and Herald define them, in this order:
 * <ul>
 *   <li>exactly {@code *}: every topic (as in Mercure);
 *   <li>containing {@code {}: an RFC 6570 URI template ({@link UriTemplate}), such as
 *       {@code https://example.com/books/{id}}, matching its expansions and the topic equal to its text;
 *   <li>with a whole {@code /}-separated segment {@code *} or {@code **}: a Herald wildcard,
 *       where {@code *} is exactly one segment and a final {@code **} one or more remaining
 *       segments — {@code chat/*} matches {@code chat/room1} but not {@code chat} or
 *       {@code chat/a/b}, {@code chat/**} matches both;
 *   <li>anything else: the exact topic, compared character for character.
 * </ul>
 * Immutable. A {@link HistoryStore} filters reads with it ({@link #matches}; {@link #literalPrefix}
 * bounds an index scan).
 */
public final class TopicSelector {
  /** How a selector matches. */
  enum Kind { EXACT, ALL, WILDCARD, TEMPLATE }

  private final String text;
  private final String[] segments;
  private final Kind kind;
  private final UriTemplate template;

  private TopicSelector(String text, Kind kind, UriTemplate template) {
    this.text = text;
    this.segments = text.split("/", -1);
    this.kind = kind;
    this.template = template;
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static TopicSelector parse(String text) {
    Objects.requireNonNull(text, "text == null");
    if (text.equals("*")) {
      return new TopicSelector(text, Kind.ALL, null);
    }
    if (text.indexOf('{') >= 0) {
      String problem = Topics.templateProblem(text);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return new TopicSelector(text, Kind.TEMPLATE, UriTemplate.parse(text));
    }
    String problem = Topics.selectorProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    boolean exact = Arrays.stream(text.split("/", -1)).noneMatch(s -> s.equals("*") || s.equals("**"));
    return new TopicSelector(text, exact ? Kind.EXACT : Kind.WILDCARD, null);
  }

  /** How this selector matches. */
  Kind kind() {
    return kind;
  }

  /** Whether the selector names exactly one topic. */
  boolean isExact() {
    return kind == Kind.EXACT;
  }

  /** The selector as written. */
  public String text() {
    return text;
  }

  /** The segments, wildcards included (meaningful for {@link Kind#WILDCARD}). */
  List<String> segments() {
    return List.of(segments);
  }

  /**
   * A prefix every matching topic starts with, to bound an index scan: the whole topic for an
   * exact selector; for a wildcard the longest literal prefix ending with {@code /} before the
   * first wildcard ({@code "chat/"} for {@code chat/*}); for a URI template the text before the
   * first {@code {}; "" for {@code *} and a selector that starts with a wildcard or expression.
   */
  public String literalPrefix() {
    switch (kind) {
      case EXACT:
        return text;
      case ALL:
        return "";
      case TEMPLATE:
        return template.literalPrefix();
      default:
        break;
    }
    StringBuilder sb = new StringBuilder();
    for (String s : segments) {
      if (s.equals("*") || s.equals("**")) {
        break;
      }
      sb.append(s).append('/');
    }
    return sb.toString();
  }

  /**
   * Whether {@code topic} (a valid topic name) matches this selector. A URI template matches the
   * topics it expands to and, as Mercure's selector rules say, the topic that is exactly its text.
   */
  public boolean matches(String topic) {
    switch (kind) {
      case EXACT:
        return text.equals(topic);
      case ALL:
        return true;
      case TEMPLATE:
        // Mercure's step 2 before step 3: the string equal to the selector matches, a template too
        return text.equals(topic) || template.matches(topic);
      default:
        break;
    }
    int pos = 0;
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      if (pos > topic.length()) {
        return false;
      }
      if (seg.equals("**")) {
        return true; // one or more segments remain (an empty one too: chat/** matches chat/, as chat/* does)
      }
      int end = topic.indexOf('/', pos);
      if (end < 0) {
        end = topic.length();
      }
      if (!seg.equals("*") && !topic.regionMatches(pos, seg, 0, seg.length()) || !seg.equals("*") && end - pos != seg.length()) {
        return false;
      }
      pos = end + 1;
    }
    return pos == topic.length() + 1;
  }

  /** Equal when written the same. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TopicSelector && ((TopicSelector) o).text.equals(text);
  }

  /** The text's hash. */
  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The selector as written. */
  @Override
  public String toString() {
    return text;
  }
}
