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
    // OPTIONS (a Method now, so filters can answer preflights) keeps its 405 with Allow: GET
    assertThat(router.match(Method.OPTIONS, "/assets/a.css")).isEqualTo(new Router.NotAllowed(java.util.Set.of(Method.GET)));
    assertThat(router.match(Method.OPTIONS, "/assetsx")).isInstanceOf(Router.NotFound.class);
  }

  @Test
  void badEscapesAndBadPatterns() {
    assertThatThrownBy(() -> router.match(Method.GET, "/users/%zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> router.match(Method.GET, "/users/%4")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePattern.parse("/a/{}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePattern.parse("/a/{x}/{x}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutePattern.parse("/a/x{y}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyRefusedPatternSaysWhatAndWhere() {
    assertRefused("/users/{id", "unclosed '{' at position 7 in route pattern '/users/{id'");
    assertRefused("/users/{id/posts}", "unclosed '{' at position 7 in route pattern '/users/{id/posts}'");
    assertRefused("/users/id}", "'}' without '{' at position 9 in route pattern '/users/id}'");
    assertRefused("/a/}x{", "'}' without '{' at position 3 in route pattern '/a/}x{'");
    assertRefused("/a/{}", "empty parameter name '{}' at position 3 in route pattern '/a/{}': name it, such as '{id}'");
    assertRefused("/a/{x}/{x}", "duplicate path parameter 'x' at position 7 in route pattern '/a/{x}/{x}':"
        + " give each parameter its own name");
    assertRefused("/a/{{x}}", "'{' inside a parameter at position 4 in route pattern '/a/{{x}}'");
    assertRefused("/a/x{y}", "parameter 'x{y}' is not a whole segment at position 3 in route pattern '/a/x{y}':"
        + " a parameter fills a whole segment between slashes, such as '/users/{id}'");
    assertRefused("/a/{y}.json", "parameter '{y}.json' is not a whole segment at position 3");
    assertRefused("/a/{1x}", "bad path parameter name '1x' at position 3 in route pattern '/a/{1x}':"
        + " a name is a letter or '_' followed by letters, digits or '_'");
    assertRefused("users/{id}", "route pattern must start with '/': 'users/{id}'");
    assertRefused("", "route pattern must start with '/': ''");
  }

  @Test
  void acceptedPatternsKeepTheirSegments() {
    assertThat(RoutePattern.parse("/").shape()).isEmpty();
    assertThat(RoutePattern.parse("/a/{x}/").shape()).isEqualTo("/a/{}");
    assertThat(RoutePattern.parse("/a//{x}").shape()).isEqualTo("/a//{}");
    assertThat(RoutePattern.parse("/a/{_x1}/b").match(java.util.List.of("a", "7", "b"))).isEqualTo(Map.of("_x1", "7"));
  }

  @Test
  void aDuplicateRouteNamesTheRouteItCollidesWith() {
    assertThatThrownBy(() -> Routing.builder().get("/a/{x}", OK).get("/a/{y}", OK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate route: GET /a/{y} matches the same paths as GET /a/{x}: register each method and path shape once");
    assertThatThrownBy(() -> Routing.builder().get("/a", OK).get("/a", OK))
        .hasMessage("duplicate route: GET /a is already registered: register each method and path shape once");
  }

  private static void assertRefused(String pattern, String message) {
    assertThatThrownBy(() -> RoutePattern.parse(pattern)).as(pattern)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  private Map<String, String> found(Method method, String path) {
    Router.Match m = router.match(method, path);
    assertThat(m).as(method + " " + path).isInstanceOf(Router.Found.class);
    return ((Router.Found) m).params();
  }
}
