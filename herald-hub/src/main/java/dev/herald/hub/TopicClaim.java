package dev.herald.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The topics a token's {@code mercure.publish} or {@code mercure.subscribe} claim covers: a list
 * of {@link TopicSelector}s — exact topics, URI templates such as
 * {@code https://example.com/books/{id}}, Herald wildcards — where a claim of exactly {@code *}
 * covers every topic (as in Mercure). Immutable.
 */
final class TopicClaim {
  /** Covers nothing: an absent or empty claim. */
  static final TopicClaim NONE = new TopicClaim(List.of(), false);
  /** Covers every topic: the claim {@code ["*"]}. */
  static final TopicClaim ALL = new TopicClaim(List.of(), true);

  private final List<TopicSelector> selectors;
  private final boolean all;

  private TopicClaim(List<TopicSelector> selectors, boolean all) {
    this.selectors = List.copyOf(selectors);
    this.all = all;
  }

  /**
   * The claim holding {@code values}; {@code *} covers every topic, anything else must be a valid
   * selector. Throws {@link IllegalArgumentException} naming the first invalid value.
   */
  static TopicClaim of(Collection<String> values) {
    Objects.requireNonNull(values, "values == null");
    LinkedHashSet<TopicSelector> parsed = new LinkedHashSet<>();
    for (String v : values) {
      Objects.requireNonNull(v, "claim value == null");
      if (v.equals("*")) {
        return ALL;
      }
      try {
        parsed.add(TopicSelector.parse(v));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + SubscribeHandler.echo(v) + "' is not a topic selector: " + e.getMessage(), e);
      }
    }
    return parsed.isEmpty() ? NONE : new TopicClaim(new ArrayList<>(parsed), false);
  }

  /** Whether the claim covers {@code topic}. */
  boolean covers(String topic) {
    if (all) {
      return true;
    }
    for (TopicSelector s : selectors) {
      if (s.matches(topic)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the claim covers every topic. */
  boolean coversAll() {
    return all;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicClaim t && t.all == all && t.selectors.equals(selectors);
  }

  @Override
  public int hashCode() {
    return all ? 1 : selectors.hashCode();
  }

  @Override
  public String toString() {
    return all ? "[*]" : selectors.toString();
  }
}
