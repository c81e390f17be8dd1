package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * URI-template matching: the expansions of RFC 6570's examples (section 1.2 and 3.2, values
 * var=value, hello=Hello World!, path=/foo/bar, x=1024, y=768, empty="",
 * list=(red,green,blue)) must match their template; the Mercure spec's selectors; escapes.
 */
class UriTemplateTest {
  private static boolean matches(String template, String topic) {
    return TopicSelector.parse(template).matches(topic);
  }

  @ParameterizedTest(name = "{0} matches {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // level 1
      "{var}|value", "{hello}|Hello%20World%21",
      // level 2: reserved and fragment expansion may hold reserved characters, '/' included
      "{+var}|value", "{+hello}|Hello%20World!", "{+path}/here|/foo/bar/here", "here?ref={+path}|here?ref=/foo/bar",
      "X{#var}|X#value", "X{#hello}|X#Hello%20World!",
      // level 3
      "map?{x,y}|map?1024,768", "{x,hello,y}|1024,Hello%20World%21,768", "{+x,hello,y}|1024,Hello%20World!,768",
      "{+path,x}/here|/foo/bar,1024/here", "{#x,hello,y}|#1024,Hello%20World!,768", "X{.var}|X.value",
      "X{.x,y}|X.1024.768", "{/var}|/value", "{/var,x}/here|/value/1024/here", "{;x,y}|;x=1024;y=768",
      "{;x,y,empty}|;x=1024;y=768;empty", "{?x,y}|?x=1024&y=768", "{?x,y,empty}|?x=1024&y=768&empty=",
      "?fixed=yes{&x}|?fixed=yes&x=1024", "{&x,y,empty}|&x=1024&y=768&empty=",
      // level 4: prefix and explode modifiers
      "{var:3}|val", "{var:30}|value", "{list*}|red,green,blue", "{/list*,path:4}|/red/green/blue/%2Ffoo",
      "{.list*}|.red.green.blue", "{;list*}|;list=red;list=green;list=blue", "{?list*}|?list=red&list=green&list=blue",
      "{&list*}|&list=red&list=green&list=blue", "X{.var:3}|X.val", "{+path:6}/here|/foo/b/here",
      // variables may be undefined: the expression expands to nothing
      "{/var}/x|/x", "a{?x,y}|a", "{?x,y}|?y=768",
      // Mercure's examples
      "https://example.com/books/{id}|https://example.com/books/1",
      "https://example.com/books/{id}|https://example.com/books/caf%C3%A9",
      "https://example.com/books/{id}|https://example.com/books/",
      "https://example.com/users/foo/{?topic}|https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1",
      "https://example.com/{+rest}|https://example.com/books/1/reviews?page=2#top",
      "https://example.com/café/{id}|https://example.com/café/1",
      "urn:isbn:{isbn}|urn:isbn:0451450523",
  })
  void expansionsMatch(String template, String topic) {
    assertThat(matches(template, topic)).isTrue();
  }

  @ParameterizedTest(name = "{0} does not match {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // a simple variable never spans '/' nor holds reserved or non-ASCII characters
      "https://example.com/books/{id}|https://example.com/books/1/reviews",
      "https://example.com/books/{id}|https://example.com/books/café",
      "https://example.com/books/{id}|https://example.com/books/a:b",
      "https://example.com/books/{id}|https://example.com/books/caf%C3%G9",
      "https://example.com/books/{id}|https://example.com/books/caf%C",
      "https://example.com/books/{+id}|https://example.com/books/café",
      // literals are compared as written: no percent-decoding, no case folding
      "https://example.com/café/{id}|https://example.com/caf%C3%A9/1",
      "https://example.com/books/{id}|https://example.com/Books/1",
      "https://example.com/books/{id}|http://example.com/books/1",
      // the whole topic must match
      "https://example.com/books/{id}|https://example.com/books/1#x", "{var}|value/",
      // prefix bounds the length; named operators need the variable's name
      "{var:3}|value", "{?x}|?y=1", "{?x}|?x", "{;x}|;y", "{.list*}|.red,green",
      // a non-exploded variable is one string, and exploded associative arrays are not matched
      "{list}|red,green,blue", "{keys*}|semi=%3B,dot=.,comma=%2C",
  })
  void othersDoNot(String template, String topic) {
    assertThat(matches(template, topic)).isFalse();
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(delimiterString = " -> ", quoteCharacter = '"', value = {
      "https://example.com/{id -> has no closing '}'", "https://example.com/{id}} -> closes no expression",
      "https://example.com/{} -> empty expression", "{=x} -> operator '=' in {=x} is reserved",
      "{,x} -> operator ',' in {,x} is reserved", "{|x} -> operator '|' in {|x} is reserved",
      "{$x} -> operator '$' in {$x} is reserved", "{x:0} -> prefix modifier ':0' must be a number from 1 to 9999",
      "{x:10000} -> prefix modifier ':10000'", "{x*:3} -> one modifier", "{x-y} -> 'x-y' is not a variable name",
      "{a{b}} -> expressions cannot be nested", "https://example.com/*/{id} -> '*' is only allowed as an explode modifier",
      "{a,,b} -> '' is not a variable name", "{.a.} -> 'a.' is not a variable name",
  })
  void badTemplatesAreRefusedSayingWhy(String template, String message) {
    assertThatThrownBy(() -> TopicSelector.parse(template)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void limitsAreEnforced() {
    assertThatThrownBy(() -> TopicSelector.parse("{a}".repeat(UriTemplate.MAX_EXPRESSIONS + 1)))
        .hasMessageContaining("more than " + UriTemplate.MAX_EXPRESSIONS + " expressions");
    assertThatThrownBy(() -> TopicSelector.parse("{a,b,c,d,e,f,g,h,i}"))
        .hasMessageContaining("more than " + UriTemplate.MAX_VARIABLES + " variables");
    assertThatThrownBy(() -> TopicSelector.parse("https://example.com/{id} x")).hasMessageContaining("space");
    assertThatThrownBy(() -> TopicSelector.parse("{a}" + "x".repeat(Topics.MAX_LENGTH)))
        .hasMessageContaining("longer than " + Topics.MAX_LENGTH);
  }

  @Test
  void manyAdjacentVariablesDoNotBacktrackForever() {
    String template = "{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}{k}{l}{m}{n}{o}/x";
    String topic = "a".repeat(Topics.MAX_LENGTH - 2) + "/y";
    assertThat(matches(template, topic)).isFalse(); // finishes: the matcher keeps position sets, not paths
    assertThat(matches(template, "a".repeat(Topics.MAX_LENGTH - 2) + "/x")).isTrue();
  }

  @Test
  void classificationFollowsMercureThenHerald() {
    assertThat(TopicSelector.parse("*").kind()).isEqualTo(TopicSelector.Kind.ALL);
    assertThat(TopicSelector.parse("https://example.com/books/{id}").kind()).isEqualTo(TopicSelector.Kind.TEMPLATE);
    assertThat(TopicSelector.parse("{list*}").kind()).isEqualTo(TopicSelector.Kind.TEMPLATE);
    assertThat(TopicSelector.parse("chat/*").kind()).isEqualTo(TopicSelector.Kind.WILDCARD);
    assertThat(TopicSelector.parse("chat/**").kind()).isEqualTo(TopicSelector.Kind.WILDCARD);
    assertThat(TopicSelector.parse("https://example.com/books/1").kind()).isEqualTo(TopicSelector.Kind.EXACT);
    assertThat(TopicSelector.parse("https://example.com/books/{id}").literalPrefix()).isEqualTo("https://example.com/books/");
    assertThat(TopicSelector.parse("{+any}").literalPrefix()).isEmpty();
    assertThat(TopicSelector.parse("*").literalPrefix()).isEmpty();
  }

  @Test
  void claimsAcceptTemplates() {
    TopicClaim claim = TopicClaim.of(java.util.List.of("https://example.com/books/{id}", "chat/*"));
    assertThat(claim.covers("https://example.com/books/1")).isTrue();
    assertThat(claim.covers("https://example.com/books/1/reviews")).isFalse();
    assertThat(claim.covers("chat/a")).isTrue();
    assertThatThrownBy(() -> TopicClaim.of(java.util.List.of("https://example.com/{=id}")))
        .hasMessageContaining("is not a topic selector: URI template 'https://example.com/{=id}': operator '='");
  }
}
