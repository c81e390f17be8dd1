package dev.herald.hub;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A subscription's topic pattern: a topic name whose segments may be {@code *} (exactly one
 * segment) and whose last segment may be {@code **} (one or more remaining segments). So
 * {@code chat/*} matches {@code chat/room1} but not {@code chat} or {@code chat/a/b};
 * {@code chat/**} matches both {@code chat/room1} and {@code chat/a/b}; {@code **} matches every
 * topic. Immutable.
 */
final class TopicSelector {
  private final String text;
  private final String[] segments;
  private final boolean exact;

  private TopicSelector(String text) {
    this.text = text;
    this.segments = text.split("/", -1);
    this.exact = Arrays.stream(segments).noneMatch(s -> s.equals("*") || s.equals("**"));
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
  static TopicSelector parse(String text) {
    Objects.requireNonNull(text, "text == null");
    String problem = Topics.selectorProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new TopicSelector(text);
  }

  /** Whether the selector has no wildcard, i.e. names exactly one topic. */
  boolean isExact() {
    return exact;
  }

  /** The selector as written. */
  String text() {
    return text;
  }

  /** The segments, wildcards included. */
  List<String> segments() {
    return List.of(segments);
  }

  /**
   * The longest literal prefix of the selector ending with {@code /} before the first wildcard
   * ({@code "chat/"} for {@code chat/*}), the whole topic for an exact selector, "" for one that
   * starts with a wildcard. Every matching topic starts with it, so it can bound an index scan.
   */
  String literalPrefix() {
    if (exact) {
      return text;
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

  /** Whether {@code topic} (a valid topic name) matches this selector. */
  boolean matches(String topic) {
    if (exact) {
      return text.equals(topic);
    }
    int pos = 0;
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      if (pos > topic.length()) {
        return false;
      }
      if (seg.equals("**")) {
        return pos < topic.length();
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

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicSelector && ((TopicSelector) o).text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
