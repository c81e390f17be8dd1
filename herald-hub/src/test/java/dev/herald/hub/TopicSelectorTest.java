package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicSelectorTest {
  private static boolean matches(String selector, String topic) {
    return TopicSelector.parse(selector).matches(topic);
  }

  @Test
  void exactSelectorsMatchOnlyThemselves() {
    assertThat(matches("chat/room1", "chat/room1")).isTrue();
    assertThat(matches("chat/room1", "chat/room10")).isFalse();
    assertThat(matches("chat/room1", "chat")).isFalse();
    assertThat(matches("chat", "chat/room1")).isFalse();
    assertThat(TopicSelector.parse("chat/room1").isExact()).isTrue();
  }

  @Test
  void starMatchesExactlyOneSegment() {
    assertThat(matches("chat/*", "chat/room1")).isTrue();
    assertThat(matches("chat/*", "chat")).isFalse();
    assertThat(matches("chat/*", "chat/a/b")).isFalse();
    assertThat(matches("*/room1", "chat/room1")).isTrue();
    assertThat(matches("*/room1", "news/room1")).isTrue();
    assertThat(matches("*/room1", "news/room2")).isFalse();
    assertThat(matches("a/*/c", "a/b/c")).isTrue();
    assertThat(matches("a/*/c", "a/b/d")).isFalse();
    assertThat(matches("a/*/c", "a/c")).isFalse();
    // a lone * is Mercure's "every topic", no longer a one-segment wildcard
    assertThat(matches("*", "x")).isTrue();
    assertThat(matches("*", "x/y")).isTrue();
    assertThat(matches("*", "https://example.com/books/1")).isTrue();
    assertThat(TopicSelector.parse("*").kind()).isEqualTo(TopicSelector.Kind.ALL);
  }

  @Test
  void doubleStarMatchesOneOrMoreRemainingSegments() {
    assertThat(matches("chat/**", "chat/room1")).isTrue();
    assertThat(matches("chat/**", "chat/a/b/c")).isTrue();
    assertThat(matches("chat/**", "chat")).isFalse();
    assertThat(matches("chat/**", "chat/")).isTrue(); // one empty segment, as chat/* matches it
    assertThat(matches("a/a/**", "a/a/")).isTrue();
    assertThat(matches("chat/**", "chatter/x")).isFalse();
    assertThat(matches("**", "anything/at/all")).isTrue();
    assertThat(matches("*/x/**", "a/x/b")).isTrue();
    assertThat(matches("*/x/**", "a/y/b")).isFalse();
  }

  @Test
  void literalPrefixBoundsTheMatches() {
    assertThat(TopicSelector.parse("chat/room1").literalPrefix()).isEqualTo("chat/room1");
    assertThat(TopicSelector.parse("chat/*").literalPrefix()).isEqualTo("chat/");
    assertThat(TopicSelector.parse("a/b/**").literalPrefix()).isEqualTo("a/b/");
    assertThat(TopicSelector.parse("*/x").literalPrefix()).isEmpty();
  }

  @Test
  void irisAreTopicsAndWildcardsMatchTheirSegments() {
    for (String iri : new String[] {"https://example.com/books/1", "urn:isbn:0451450523", "/chat", "chat/", "a//b"}) {
      assertThat(Topics.problem(iri)).as(iri).isNull();
      assertThat(TopicSelector.parse(iri).matches(iri)).as(iri).isTrue();
    }
    TopicSelector books = TopicSelector.parse("https://example.com/books/*");
    assertThat(books.matches("https://example.com/books/1")).isTrue();
    assertThat(books.matches("https://example.com/books/1/reviews")).isFalse();
    assertThat(books.matches("http://example.com/books/1")).isFalse();
    assertThat(TopicSelector.parse("https://example.com/**").matches("https://example.com/books/1/reviews")).isTrue();
    assertThat(books.literalPrefix()).isEqualTo("https://example.com/books/");
  }

  @Test
  void invalidSelectorsSayWhatIsWrong() {
    assertThatThrownBy(() -> TopicSelector.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> TopicSelector.parse("a/**/b")).hasMessageContaining("last segment");
    assertThatThrownBy(() -> TopicSelector.parse("a/b*")).hasMessageContaining("whole segment");
    assertThatThrownBy(() -> TopicSelector.parse("a b")).hasMessageContaining("space");
    assertThatThrownBy(() -> TopicSelector.parse("a\nb")).hasMessageContaining("control");
    assertThatThrownBy(() -> TopicSelector.parse("x".repeat(Topics.MAX_LENGTH + 1))).hasMessageContaining("longer");
  }

  @Test
  void aTemplateMatchesTheTopicEqualToItsTextAsMercuresStepTwoSays() {
    TopicSelector t = TopicSelector.parse("https://example.com/books/{id}");
    assertThat(t.matches("https://example.com/books/{id}")).isTrue();
    assertThat(t.matches("https://example.com/books/{other}")).isFalse();
    assertThat(t.matches("https://example.com/books/1")).isTrue();
  }

  @Test
  void topicsMayNotContainWildcards() {
    assertThat(Topics.problem("chat/room1")).isNull();
    assertThat(Topics.problem("caf\u00e9/\uD83D\uDE00")).isNull();
    assertThat(Topics.problem("chat/*")).contains("not allowed");
    assertThat(Topics.problem("chat/\uD83D")).contains("invalid");
  }
}
