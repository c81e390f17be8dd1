package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static dev.herald.hub.TestTokens.hs256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * URI templates in real JWT claims over real sockets: {@code mercure.publish} allows exactly the
 * topics its template matches (403 otherwise), and {@code mercure.subscribe} delivers exactly the
 * private updates its template matches, proven by a public marker arriving next.
 */
class HubTemplateClaimTest {
  static final Instant NOW = Instant.ofEpochMilli(1_800_000_000_000L);
  static final String BOOKS = "https://example.com/books/{id}";

  private TokenHub hub(String publishClaim) {
    String publisher = hs256(SECRET, claims(NOW, List.of(publishClaim), null).build());
    return new TokenHub(AuthConfig.builder().jwtKey(SECRET).build(), new TestClock(NOW.toEpochMilli()), publisher);
  }

  @Test
  void aPublishClaimTemplateAllowsItsTopicsAndRefusesOthers() {
    try (TokenHub h = hub(BOOKS)) {
      assertThat(h.publish("https://example.com/books/1", "ok", false)).isPositive();
      String token = hs256(SECRET, claims(NOW, List.of(BOOKS), null).build());
      for (String topic : List.of("https://example.com/books/1/reviews", "https://example.com/users/1",
          "https://example.com/books/café")) {
        HttpResponse<String> r = HubHttp.postForm(h.uri, HubHttp.form("topic", topic, "data", "x"),
            "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(HubHttp.json(r).get("message").asText()).isEqualTo("the token may not publish to '" + topic
            + "': its mercure.publish claim does not cover it; nothing was published");
      }
      HttpResponse<String> escaped = HubHttp.postForm(h.uri, HubHttp.form("topic", "https://example.com/books/caf%C3%A9",
          "data", "x"), "Authorization", "Bearer " + token);
      assertThat(escaped.statusCode()).as(escaped.body()).isEqualTo(200);
    }
  }

  @Test
  void aSubscribeClaimTemplateReceivesExactlyTheMatchingPrivateUpdates() throws Exception {
    try (TokenHub h = hub("*")) {
      String reader = hs256(SECRET, claims(NOW, null, List.of(BOOKS)).build());
      SseTestClient c = h.subscribe("topic=*", reader, TokenHub.Place.COOKIE, null);
      String other = hs256(SECRET, claims(NOW, null, List.of("https://example.com/users/{id}/inbox")).build());
      SseTestClient others = h.subscribe("topic=*", other, TokenHub.Place.HEADER, null);
      h.publish("https://example.com/books/1", "private book", true);
      h.publish("https://example.com/books/1/reviews", "private review", true);
      h.publish("https://example.com/users/1", "private user", true);
      h.publish("https://example.com/users/1", "public user", false);
      h.publish("marker", "marker", false);
      assertThat(TokenHub.dataThrough(c, "marker")).containsExactly("private book", "public user", "marker");
      assertThat(TokenHub.dataThrough(others, "marker")).containsExactly("public user", "marker");
    }
  }
}
