package dev.herald.hub;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The subscription index: finds the subscriptions whose selectors match a published event
 * without scanning every subscription. Exact selectors live in a map from topic to
 * subscriptions; {@code *} selectors in one set (every event matches them); Herald wildcard
 * selectors live in a trie of segments where each node has children by literal segment, one
 * {@code *} child, the subscriptions whose selector ends at the node, and the subscriptions whose
 * selector ends with {@code **} after the node; URI-template selectors live in a character trie
 * keyed by their literal prefix (the text before the first {@code {}), each node holding its
 * distinct templates, each with the subscriptions that use it.
 *
 * <p>Cost of {@link #match}: for each topic of the event, one hash lookup; a walk of the
 * segment trie along the topic's segments, following at each level the literal child and the
 * {@code *} child; a walk of the template trie along the topic's characters (at most
 * {@link Topics#MAX_LENGTH} steps), testing only the distinct templates whose literal prefix
 * the topic starts with (each test costs as {@link UriTemplate} says), however many
 * subscriptions share them; then one identity-set insertion per match. None of it depends on
 * the number of subscriptions whose selectors cannot match.
 *
 * <p>Threading: thread-safe. {@link #register} and {@link #unregister} serialize on the broker;
 * {@link #match} takes no lock and runs concurrently with them over concurrent collections. A
 * subscription registered or unregistered while an event is being matched may or may not
 * receive that event; the subscribe path makes up for that by replaying from the history store,
 * which holds every event before it is matched (see {@link HistoryStore}).
 */
final class Broker {
  private final Map<String, Set<Subscription>> exact = new ConcurrentHashMap<>();
  private final Node root = new Node();
  private final Set<Subscription> all = ConcurrentHashMap.newKeySet();
  private final Set<Subscription> everything = ConcurrentHashMap.newKeySet();
  private final CharNode templates = new CharNode();
  private final AtomicLong templateTests = new AtomicLong();

  /** One character of the template trie: the templates whose literal prefix ends here. */
  private static final class CharNode {
    final Map<Character, CharNode> children = new ConcurrentHashMap<>();
    final Map<TopicSelector, Set<Subscription>> here = new ConcurrentHashMap<>();

    boolean isEmpty() {
      return children.isEmpty() && here.isEmpty();
    }
  }

  /** One trie level; its maps and sets are concurrent so that {@link #match} needs no lock. */
  private static final class Node {
    final Map<String, Node> children = new ConcurrentHashMap<>();
    volatile Node star;
    final Set<Subscription> here = ConcurrentHashMap.newKeySet();
    final Set<Subscription> rest = ConcurrentHashMap.newKeySet();

    boolean isEmpty() {
      return children.isEmpty() && star == null && here.isEmpty() && rest.isEmpty();
    }
  }

  /** Adds {@code sub} under each of its selectors; registering twice has no further effect. */
  synchronized void register(Subscription sub) {
    Objects.requireNonNull(sub, "sub == null");
    if (!all.add(sub)) {
      return;
    }
    for (TopicSelector s : sub.selectors()) {
      if (s.isExact()) {
        exact.computeIfAbsent(s.text(), k -> ConcurrentHashMap.newKeySet()).add(sub);
        continue;
      }
      if (s.kind() == TopicSelector.Kind.ALL) {
        everything.add(sub);
        continue;
      }
      if (s.kind() == TopicSelector.Kind.TEMPLATE) {
        CharNode at = templates;
        String prefix = s.literalPrefix();
        for (int i = 0; i < prefix.length(); i++) {
          at = at.children.computeIfAbsent(prefix.charAt(i), k -> new CharNode());
        }
        at.here.computeIfAbsent(s, k -> ConcurrentHashMap.newKeySet()).add(sub);
        continue;
      }
      Node node = root;
      List<String> segments = s.segments();
      for (int i = 0; i < segments.size(); i++) {
        String seg = segments.get(i);
        if (seg.equals("**")) {
          node.rest.add(sub);
          node = null;
          break;
        }
        if (seg.equals("*")) {
          if (node.star == null) {
            node.star = new Node();
          }
          node = node.star;
        } else {
          node = node.children.computeIfAbsent(seg, k -> new Node());
        }
      }
      if (node != null) {
        node.here.add(sub);
      }
    }
  }

  /** Removes {@code sub} and prunes the trie nodes it leaves empty; unknown subscriptions are ignored. */
  synchronized void unregister(Subscription sub) {
    Objects.requireNonNull(sub, "sub == null");
    if (!all.remove(sub)) {
      return;
    }
    for (TopicSelector s : sub.selectors()) {
      if (s.isExact()) {
        Set<Subscription> set = exact.get(s.text());
        if (set != null) {
          set.remove(sub);
          if (set.isEmpty()) {
            exact.remove(s.text(), set);
          }
        }
      } else if (s.kind() == TopicSelector.Kind.ALL) {
        everything.remove(sub);
      } else if (s.kind() == TopicSelector.Kind.TEMPLATE) {
        removeTemplate(templates, s, 0, sub);
      } else {
        remove(root, s.segments(), 0, sub);
      }
    }
  }

  /** Removes {@code sub}'s template {@code s} below {@code node}; returns whether {@code node} is now empty. */
  private static boolean removeTemplate(CharNode node, TopicSelector s, int i, Subscription sub) {
    String prefix = s.literalPrefix();
    if (i == prefix.length()) {
      Set<Subscription> set = node.here.get(s);
      if (set != null) {
        set.remove(sub);
        if (set.isEmpty()) {
          node.here.remove(s, set);
        }
      }
      return node.isEmpty();
    }
    Character c = prefix.charAt(i);
    CharNode child = node.children.get(c);
    if (child != null && removeTemplate(child, s, i + 1, sub)) {
      node.children.remove(c, child);
    }
    return node.isEmpty();
  }

  /** Removes {@code sub} below {@code node}; returns whether {@code node} is now empty. */
  private static boolean remove(Node node, List<String> segments, int i, Subscription sub) {
    if (i == segments.size()) {
      node.here.remove(sub);
      return node.isEmpty();
    }
    String seg = segments.get(i);
    if (seg.equals("**")) {
      node.rest.remove(sub);
      return node.isEmpty();
    }
    if (seg.equals("*")) {
      Node star = node.star;
      if (star != null && remove(star, segments, i + 1, sub)) {
        node.star = null;
      }
    } else {
      Node child = node.children.get(seg);
      if (child != null && remove(child, segments, i + 1, sub)) {
        node.children.remove(seg, child);
      }
    }
    return node.isEmpty();
  }

  /**
   * The subscriptions with at least one selector matching at least one of {@code topics}, each
   * once (an identity set), however many of its selectors and the event's topics match.
   */
  Set<Subscription> match(List<String> topics) {
    Set<Subscription> out = Collections.newSetFromMap(new IdentityHashMap<>());
    forEachMatch(topics, out::add);
    return out;
  }

  /** Calls {@code sink} for every (subscription, selector) hit; a subscription may come more than once. */
  private void forEachMatch(List<String> topics, Consumer<Subscription> sink) {
    if (!topics.isEmpty()) {
      everything.forEach(sink);
    }
    for (String topic : topics) {
      matchTemplates(topic, sink);
      Set<Subscription> direct = exact.get(topic);
      if (direct != null) {
        direct.forEach(sink);
      }
      if (root.isEmpty()) {
        continue;
      }
      String[] segments = topic.split("/", -1);
      walk(root, segments, 0, sink);
    }
  }

  /** Tests the templates whose literal prefix {@code topic} starts with, each distinct template once. */
  private void matchTemplates(String topic, Consumer<Subscription> sink) {
    CharNode at = templates;
    for (int i = 0; at != null; i++) {
      for (Map.Entry<TopicSelector, Set<Subscription>> e : at.here.entrySet()) {
        templateTests.incrementAndGet();
        if (e.getKey().matches(topic)) {
          e.getValue().forEach(sink);
        }
      }
      at = i < topic.length() ? at.children.get(topic.charAt(i)) : null;
    }
  }

  /** How many times a URI template has been tested against a topic (to prove the index is used). */
  long templateTests() {
    return templateTests.get();
  }

  private static void walk(Node node, String[] segments, int i, Consumer<Subscription> sink) {
    if (i == segments.length) {
      node.here.forEach(sink);
      return;
    }
    node.rest.forEach(sink);
    Node child = node.children.get(segments[i]);
    if (child != null) {
      walk(child, segments, i + 1, sink);
    }
    Node star = node.star;
    if (star != null) {
      walk(star, segments, i + 1, sink);
    }
  }

  /** The number of registered subscriptions. */
  int size() {
    return all.size();
  }

  /** A snapshot of every registered subscription (for shutdown). */
  List<Subscription> snapshot() {
    return List.copyOf(all);
  }
}
