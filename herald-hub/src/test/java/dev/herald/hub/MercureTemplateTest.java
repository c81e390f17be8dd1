package dev.herald.hub;

import static dev.herald.hub.MercureEndpointTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mercure subscribers selecting with URI templates (RFC 6570, draft-dunglas-mercure-07 "Topic
 * Selectors") on {@code /.well-known/mercure}; {@link MercureSpecTest} covers topics with more
 * characters that need escapes, {@code {+var}} and the other operators.
 */
class MercureTemplateTest extends HubTestSupport {
  private MercureHttp mercure;

  @AfterEach
  void close() {
    if (mercure != null) {
      mercure.close();
    }
  }

  @Test
  void aTemplateSubscriberGetsTheTopicsItMatchesIncludingEscapedOnes() throws Exception {
    Hub hub = start();
    mercure = new MercureHttp(hub.uri());
    SseTestClient books = mercure.subscribe("topic=" + enc("https://example.com/books/{id}"), null);
    mercure.published(null, "topic", "https://example.com/books/1", "data", "one");
    mercure.published(null, "topic", "https://example.com/authors/1", "data", "not a book");
    mercure.published(null, "topic", "https://example.com/books/caf%C3%A9%20cr%C3%A8me", "data", "escaped");
    mercure.published(null, "topic", "https://example.com/books/1/reviews", "data", "deeper");
    mercure.published(null, "topic", "https://example.com/books/2", "data", "marker");
    assertThat(books.next(3)).extracting(MessageEvent::data).containsExactly("one", "escaped", "marker");
  }
}
