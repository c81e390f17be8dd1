package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Route matching without sockets: precedence, parameters, decoding, 404/405 decisions. */
class RouterTest {
  private static final Handler OK = req -> Response.status(200);

  private final Router router = new Router(Routing.builder()
      .get("/", OK)
      .get("/users/{id}", OK)
      .get("/users/me", OK)
      .post("/users/{id}", OK)
      .get("/files/{name}/raw", OK)
      .sse("/events/{topic}", (req, stream) -> {})
      .staticFiles("/assets", java.nio.file.Path.of("."))
      .build());

  @Test
  void literalSegmentsWinOverParameters() {
    assertThat(found(Method.GET, "/users/me")).isEmpty();
    assertThat(found(Method.GET, "/users/42")).isEqualTo(Map.of("id", "42"));
  }

  @Test
  void parametersArePercentDecodedPerSegment() {
    assertThat(found(Method.GET, "/files/a%2Fb%20c/raw")).isEqualTo(Map.of("name", "a/b c"));
    assertThat(found(Method.GET, "/users/caf%C3%A9")).isEqualTo(Map.of("id", "café"));
    assertThat(found(Method.GET, "/users/a+b")).isEqualTo(Map.of("id", "a+b"));
  }

  @Test
  void trailingSlashAndRoot() {
    assertThat(found(Method.GET, "/users/42/")).isEqualTo(Map.of("id", "42"));
    assertThat(found(Method.GET, "/")).isEmpty();
    assertThat(router.match(Method.GET, "/users//")).isInstanceOf(Router.NotFound.class);
  }

  @Test
  void wrongMethodListsTheAllowedOnes() {
    Router.Match m = router.match(Method.DELETE, "/users/1");
    assertThat(m).isInstanceOf(Router.NotAllowed.class);
    assertThat(((Router.NotAllowed) m).allowed()).isEqualTo(Set.of(Method.GET, Method.POST));
    assertThat(router.allowed("/assets/x.css")).containsExactly(Method.GET);
    assertThat(router.allowed("/nothing/here")).isEmpty();
  }

  @Test
  void streamsAndMounts() {
    Router.Match m = router.match(Method.GET, "/events/news");
    assertThat(((Router.Found) m).route().sse()).isNotNull();
    Router.Match f = router.match(Method.GET, "/assets/css/site.css");
    assertThat(f).isInstanceOf(Router.FileMount.class);
    assertThat(((Router.FileMount) f).rest()).isEqualTo("/css/site.css");
    assertThat(router.match(Method.GET, "/assetsx")).isInstanceOf(Router.NotFound.class);
    assertThat(router.match(Method.POST, "/assets/a.css")).isInstanceOf(Router.NotFound.class);
  }

  @Test
  void badEscapesAndBadPatterns() {
    assertThatThrownBy(() -> router.match(Method.GET, "/users/%zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> router.match(Method.GET, "/users/%4")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePattern.parse("/a/{}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePattern.parse("/a/{x}/{x}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePattern.parse("/a/x{y}")).isInstanceOf(IllegalArgumentException.class);
  }

  private Map<String, String> found(Method method, String path) {
    Router.Match m = router.match(method, path);
    assertThat(m).as(method + " " + path).isInstanceOf(Router.Found.class);
    return ((Router.Found) m).params();
  }
}
