package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Topic selectors over real sockets on {@code /events}: URI templates (live and from the SQLite
 * history), escapes, {@code *} as every topic, Herald wildcards next to them, and a precise 400
 * for a template the hub does not support.
 */
class HubTopicTemplateTest extends HubTestSupport {
  static final String BOOKS = "https://example.com/books/{id}";

  static String q(String... selectors) {
    StringBuilder sb = new StringBuilder();
    for (String s : selectors) {
      sb.append(sb.length() == 0 ? "" : "&").append("topic=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  @Test
  void aTemplateSelectsItsTopicsLiveAndEscapesMatchAsRfc6570Says() throws Exception {
    URI hub = start().uri();
    SseTestClient books = subscribe(hub, q(BOOKS));
    SseTestClient all = subscribe(hub, q("*"));
    SseTestClient herald = subscribe(hub, q("chat/*"));
    HubHttp.publish(hub, "https://example.com/books/1", "one");
    HubHttp.publish(hub, "https://example.com/books/1/reviews", "reviews"); // {id} never spans '/'
    HubHttp.publish(hub, "https://example.com/books/café", "raw"); // an expansion would escape é
    HubHttp.publish(hub, "https://example.com/books/caf%C3%A9", "escaped");
    HubHttp.publish(hub, "chat/room1", "chat");
    HubHttp.publish(hub, "urn:isbn:0451450523", "urn");
    HubHttp.publish(hub, "https://example.com/books/end", "end");
    assertThat(data(books, "end")).containsExactly("one", "escaped", "end");
    assertThat(data(all, "end")).containsExactly("one", "reviews", "raw", "escaped", "chat", "urn", "end");
    assertThat(herald.next().data()).isEqualTo("chat");
    assertNothingElseArrives(hub, "chat/marker", herald);
  }

  @Test
  void historyReplaysWhatTheTemplateMatches() throws Exception {
    URI hub = start().uri();
    HubHttp.publish(hub, "https://example.com/books/1", "one");
    HubHttp.publish(hub, "https://example.com/users/1", "user");
    HubHttp.publish(hub, "https://example.com/books/2", "two");
    HubHttp.publish(hub, "https://example.com/books/2/reviews", "reviews");
    SseTestClient books = subscribe(hub, q(BOOKS), "earliest");
    SseTestClient deep = subscribe(hub, q("https://example.com/books/{+rest}", "https://example.com/users/1"), "earliest");
    SseTestClient all = subscribe(hub, q("*"), "earliest");
    HubHttp.publish(hub, "https://example.com/books/end", "end");
    assertThat(data(books, "end")).containsExactly("one", "two", "end");
    assertThat(data(deep, "end")).containsExactly("one", "user", "two", "reviews", "end");
    assertThat(data(all, "end")).containsExactly("one", "user", "two", "reviews", "end");
  }

  @Test
  void unsupportedTemplatesAre400SayingWhyAndTheHubStaysUp() throws Exception {
    URI hub = start().uri();
    String[][] cases = {
        {"https://example.com/{=id}", "invalid topic selector 'https://example.com/{=id}': URI template "
            + "'https://example.com/{=id}': operator '=' in {=id} is reserved by RFC 6570 and not supported"},
        {"https://example.com/{id", "the expression at position 20 has no closing '}'"},
        {"https://example.com/*/{id}", "'*' is only allowed as an explode modifier inside an expression"},
        {"{x:0}", "prefix modifier ':0' must be a number from 1 to 9999"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = HubHttp.send(HttpRequest.newBuilder(hub.resolve("/events?" + q(c[0])))
          .header("Accept", "text/event-stream").GET().build());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      assertThat(HubHttp.json(r).get("message").asText()).contains(c[1]);
    }
    SseTestClient ok = subscribe(hub, q(BOOKS));
    HubHttp.publish(hub, "https://example.com/books/1", "still up");
    assertThat(ok.next().data()).isEqualTo("still up");
  }

  /** The data of {@code c}'s next events up to and including {@code marker}. */
  static List<String> data(SseTestClient c, String marker) throws InterruptedException {
    List<String> got = new java.util.ArrayList<>();
    while (got.isEmpty() || !got.get(got.size() - 1).equals(marker)) {
      MessageEvent e = c.next();
      got.add(e.data());
    }
    return got;
  }
}
