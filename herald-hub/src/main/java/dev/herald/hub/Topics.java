package dev.herald.hub;

/**
 * The rules for topic names: IRIs such as {@code https://example.com/books/1} or
 * {@code urn:isbn:0451450523}, or plain names such as {@code chat/room1} — printable characters
 * other than {@code *}, whitespace and controls, at most {@link #MAX_LENGTH} characters in all.
 * The {@code /}-separated segments that Herald's wildcard selectors match may be empty (a
 * leading, trailing or double {@code /}, as in {@code https://}).
 */
final class Topics {
  static final int MAX_LENGTH = 256;

  private Topics() {}

  /** Why {@code topic} is not a valid topic name, or null when it is. */
  static String problem(String topic) {
    return problem(topic, false);
  }

  /** Like {@link #problem(String)}, but {@code *} and a final {@code **} segment are allowed. */
  static String selectorProblem(String selector) {
    return problem(selector, true);
  }

  /**
   * Why {@code template} cannot be a URI-template selector, for the rules shared with topics
   * (length, spaces, controls); the template syntax itself is checked by {@link UriTemplate}.
   */
  static String templateProblem(String template) {
    return problem(template, true, true);
  }

  private static String problem(String s, boolean wildcards) {
    return problem(s, wildcards, false);
  }

  private static String problem(String s, boolean wildcards, boolean template) {
    String what = wildcards ? "selector" : "topic";
    if (s.isEmpty()) {
      return what + " is empty";
    }
    if (s.length() > MAX_LENGTH) {
      return what + " is longer than " + MAX_LENGTH + " characters";
    }
    String[] segments = s.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      if (wildcards && !template && seg.equals("*")) {
        continue;
      }
      if (wildcards && !template && seg.equals("**")) {
        if (i != segments.length - 1) {
          return "selector '" + s + "': '**' is only allowed as the last segment";
        }
        continue;
      }
      for (int j = 0; j < seg.length(); j++) {
        char c = seg.charAt(j);
        if (c == '*' && !template) {
          return what + " '" + s + "': '*' " + (wildcards ? "must be a whole segment" : "is not allowed in a topic");
        }
        if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSurrogate(c) && !validPair(seg, j)) {
          return what + " '" + s.replace("\n", "\\n").replace("\r", "\\r") + "' contains a space, control or invalid character";
        }
        if (Character.isHighSurrogate(c)) {
          j++;
        }
      }
    }
    return null;
  }

  private static boolean validPair(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
  }
}
