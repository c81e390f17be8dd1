package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The broker's index with URI templates and {@code *}: it finds what a scan of every
 * subscription finds (a jqwik property over random topics and selectors of every kind), and it
 * tests only the templates whose literal prefix the topic starts with (counted, not timed).
 */
class BrokerTemplateIndexTest {
  private final HubMetrics metrics = new HubMetrics(() -> 0);

  private Subscription sub(Broker broker, String... selectors) {
    List<TopicSelector> list = new ArrayList<>();
    for (String s : selectors) {
      list.add(TopicSelector.parse(s));
    }
    Subscription sub = new Subscription(new BrokerTest.NullStream(), list, metrics, 10);
    broker.register(sub);
    return sub;
  }

  @Test
  void onlyTemplatesWhoseLiteralPrefixTheTopicStartsWithAreTested() {
    Broker broker = new Broker();
    for (int i = 0; i < 1_000; i++) {
      sub(broker, "https://example.com/other" + i + "/{id}");
    }
    Subscription books = sub(broker, "https://example.com/books/{id}");
    Subscription alsoBooks = sub(broker, "https://example.com/books/{id}"); // same template: tested once
    Subscription site = sub(broker, "https://example.com/{+path}");
    long before = broker.templateTests();
    assertThat(broker.match(List.of("https://example.com/books/1"))).containsExactlyInAnyOrder(books, alsoBooks, site);
    // the {+path} template and the one distinct books template; none of the 1000 others
    assertThat(broker.templateTests() - before).isEqualTo(2);
    before = broker.templateTests();
    assertThat(broker.match(List.of("https://example.com/other7/x"))).hasSize(2);
    assertThat(broker.templateTests() - before).isEqualTo(2);
    before = broker.templateTests();
    assertThat(broker.match(List.of("urn:isbn:1"))).isEmpty();
    assertThat(broker.templateTests() - before).isZero();
  }

  @Test
  void unregisterRemovesTemplatesAndStarAndPrunes() {
    Broker broker = new Broker();
    Subscription a = sub(broker, "https://example.com/books/{id}", "*");
    Subscription b = sub(broker, "https://example.com/books/{id}");
    assertThat(broker.match(List.of("anything"))).containsExactly(a);
    assertThat(broker.match(List.of("https://example.com/books/1"))).containsExactlyInAnyOrder(a, b);
    broker.unregister(a);
    assertThat(broker.match(List.of("anything"))).isEmpty();
    assertThat(broker.match(List.of("https://example.com/books/1"))).containsExactly(b);
    broker.unregister(b);
    long before = broker.templateTests();
    assertThat(broker.match(List.of("https://example.com/books/1"))).isEmpty();
    assertThat(broker.templateTests() - before).isZero(); // the emptied trie holds no template
  }

  @Property(tries = 300)
  void theIndexFindsWhatAScanFinds(@ForAll("selectorSets") List<List<String>> selectorSets,
      @ForAll("topicLists") List<List<String>> topicLists) {
    Broker broker = new Broker();
    List<Subscription> subs = new ArrayList<>();
    for (List<String> selectors : selectorSets) {
      subs.add(sub(broker, selectors.toArray(new String[0])));
    }
    for (int i = 0; i < subs.size(); i += 3) {
      broker.unregister(subs.get(i)); // some leave again
    }
    for (List<String> topics : topicLists) {
      Set<Subscription> expected = new java.util.HashSet<>();
      for (int i = 0; i < subs.size(); i++) {
        Subscription s = subs.get(i);
        if (i % 3 != 0 && s.selectors().stream().anyMatch(sel -> topics.stream().anyMatch(sel::matches))) {
          expected.add(s);
        }
      }
      assertThat(broker.match(topics)).as("topics %s", topics).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static final List<String> WORDS = List.of("a", "b", "", "1", "caf%C3%A9", "café", "x.y", "k=v");

  private static Arbitrary<String> topic() {
    Arbitrary<String> path = Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    return Arbitraries.oneOf(path, path.map(p -> "https://example.com/" + p), path.map(p -> "urn:" + p))
        .filter(t -> Topics.problem(t) == null);
  }

  private static Arbitrary<String> selector() {
    Arbitrary<String> exact = topic();
    Arbitrary<String> wildcard = Arbitraries.of(List.of("a", "b", "*", "", "https:")).list().ofMinSize(1).ofMaxSize(4)
        .map(l -> String.join("/", l) + (l.size() % 2 == 0 ? "/**" : ""));
    Arbitrary<String> expr = Arbitraries.of("{id}", "{+rest}", "{#f}", "{/p*}", "{.e}", "{?q}", "{x,y}", "{v:2}");
    Arbitrary<String> template = Arbitraries.oneOf(Arbitraries.of("", "https://example.com/", "a/", "urn:", "https"),
        topic().map(t -> t + "/")).flatMap(prefix -> expr.list().ofMinSize(1).ofMaxSize(2)
            .flatMap(es -> Arbitraries.of("", "/", "/a", ".json").map(tail -> prefix + String.join("/", es) + tail)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, exact), net.jqwik.api.Tuple.of(3, wildcard), net.jqwik.api.Tuple.of(4, template),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("*")))
        .filter(s -> {
          try {
            TopicSelector.parse(s);
            return true;
          } catch (IllegalArgumentException e) {
            return false;
          }
        });
  }

  @Provide
  Arbitrary<List<List<String>>> selectorSets() {
    return selector().list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<List<String>>> topicLists() {
    return topic().list().ofMinSize(1).ofMaxSize(2).list().ofMinSize(1).ofMaxSize(20);
  }

  @Test
  void theIndexAgreesOnTheEscapeExamples() {
    Broker broker = new Broker();
    Subscription t = sub(broker, "https://example.com/books/{id}");
    assertThat(broker.match(List.of("https://example.com/books/caf%C3%A9"))).containsExactly(t);
    assertThat(broker.match(List.of("https://example.com/books/café"))).isEmpty();
  }
}
