package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static dev.herald.hub.TestTokens.hs256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subscriber side of {@link JwtAuthenticator} over a real socket: a route that answers with
 * the {@link Access} the authenticator decides (what the subscribe handler gets), for each mode.
 */
class SubscriberAccessTest {
  private static final Instant NOW = HubAuthAttackTest.NOW;
  private final TestClock clock = new TestClock(NOW.toEpochMilli());
  private HeraldServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private URI serve(AuthConfig auth) {
    HubConfig config = HubConfig.builder().auth(auth).build();
    AuthSetup setup = AuthSetup.of(config, Map.of());
    assertThat(setup.problems).isEmpty();
    Authenticator authenticator = setup.authenticator(clock);
    server = HeraldServer.builder().host("127.0.0.1").port(0).routing(Routing.builder()
        .get("/whoami", req -> Response.json(Map.of("access", authenticator.subscriber(req).toString())))
        .build()).build().start();
    return server.uri();
  }

  private static HttpResponse<String> whoami(URI uri, String header, String query, String cookie) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri.resolve("/whoami"
        + (query == null ? "" : "?authorization=" + URLEncoder.encode(query, StandardCharsets.UTF_8))));
    if (header != null) {
      b.header("Authorization", "Bearer " + header);
    }
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return HubHttp.send(b.GET().build());
  }

  private static String access(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return HubHttp.json(r).get("access").asText();
  }

  @Test
  void withAKeyAnonymousSubscribersAreRefusedByDefaultAndTokensGiveTheirClaims() {
    URI uri = serve(AuthConfig.builder().jwtKey(SECRET).build());
    HttpResponse<String> none = whoami(uri, null, null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(HubHttp.json(none).get("message").asText()).isEqualTo("subscribing needs a token (this hub admits no "
        + "anonymous subscribers): send 'Authorization: Bearer <token>' or the mercureAuthorization cookie");
    String token = hs256(SECRET, claims(NOW, null, List.of("users/42/**")).subject("u42")
        .claim("mercure", Map.of("subscribe", List.of("users/42/**"), "payload", Map.of("name", "Ann"))).build());
    assertThat(access(whoami(uri, token, null, null))).isEqualTo("Access{sub=u42, publish=[], subscribe=[users/42/**]"
        + ", exp=2027-01-15T09:00:00Z}");
    assertThat(access(whoami(uri, null, token, null))).startsWith("Access{sub=u42");
    assertThat(access(whoami(uri, null, null, "mercureAuthorization=" + token))).startsWith("Access{sub=u42");
    HttpResponse<String> bad = whoami(uri, null, null, "mercureAuthorization=" + hs256(TestTokens.OTHER_SECRET,
        claims(NOW, null, List.of("**")).build()));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(HubHttp.json(bad).get("message").asText()).isEqualTo("token refused (mercureAuthorization cookie): bad "
        + "signature: the token was not signed with the hub's subscriber key");
  }

  @Test
  void anonymousTrueAdmitsSubscribersWithoutATokenToPublicUpdatesOnly() {
    URI uri = serve(AuthConfig.builder().jwtKey(SECRET).anonymous(true).build());
    assertThat(access(whoami(uri, null, null, null))).isEqualTo("Access{anonymous}");
    // a present token is still checked
    assertThat(whoami(uri, "garbage", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void aPublisherKeyAloneLeavesSubscribingAnonymous() {
    URI uri = serve(AuthConfig.builder().publisherJwtKey(SECRET).build());
    assertThat(access(whoami(uri, null, null, null))).isEqualTo("Access{anonymous}");
    assertThat(access(whoami(uri, "anything", null, null))).isEqualTo("Access{anonymous}");
  }

  @Test
  void openModeLetsEveryoneIn() {
    URI uri = serve(AuthConfig.builder().build());
    assertThat(access(whoami(uri, "anything", null, null))).isEqualTo("Access{open}");
  }
}
