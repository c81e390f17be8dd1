package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files from a directory and from the class path: types, index pages, no way out of the root. */
class StaticFilesTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final String SECRET = "TOP SECRET do not serve";

  @TempDir
  static Path temp;
  private static HeraldServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() throws IOException {
    Path root = Files.createDirectories(temp.resolve("public"));
    Files.writeString(temp.resolve("secret.txt"), SECRET);
    Files.writeString(temp.resolve("publicity.txt"), SECRET);
    Files.writeString(root.resolve("index.html"), "<h1>root index</h1>");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/index.html"), "<h1>sub index</h1>");
    for (String name : new String[] {"style.css", "app.js", "mod.mjs", "data.json", "img.svg", "a.png", "b.jpg",
        "c.gif", "favicon.ico", "notes.txt", "m.wasm", "f.woff2", "blob.bin", "a file.txt"}) {
      Files.writeString(root.resolve(name), "content of " + name);
    }
    Routing routing = Routing.builder()
        .get("/api/ping", req -> Response.text("pong"))
        .staticFiles("/static/", root)
        .classpathFiles("/", "web")
        .build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
    client = HttpClient.newBuilder().connectTimeout(T).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(T).build(),
        BodyHandlers.ofString());
  }

  @Test
  void contentTypes() throws Exception {
    Map<String, String> expected = Map.ofEntries(
        Map.entry("index.html", "text/html; charset=utf-8"),
        Map.entry("style.css", "text/css; charset=utf-8"),
        Map.entry("app.js", "text/javascript; charset=utf-8"),
        Map.entry("mod.mjs", "text/javascript; charset=utf-8"),
        Map.entry("data.json", "application/json; charset=utf-8"),
        Map.entry("img.svg", "image/svg+xml; charset=utf-8"),
        Map.entry("a.png", "image/png"),
        Map.entry("b.jpg", "image/jpeg"),
        Map.entry("c.gif", "image/gif"),
        Map.entry("favicon.ico", "image/x-icon"),
        Map.entry("notes.txt", "text/plain; charset=utf-8"),
        Map.entry("m.wasm", "application/wasm"),
        Map.entry("f.woff2", "font/woff2"),
        Map.entry("blob.bin", "application/octet-stream"));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      HttpResponse<String> res = get("/static/" + e.getKey());
      assertThat(res.statusCode()).as(e.getKey()).isEqualTo(200);
      assertThat(res.headers().firstValue("content-type")).as(e.getKey()).hasValue(e.getValue());
    }
    assertThat(get("/static/app.js").body()).isEqualTo("content of app.js");
    assertThat(get("/static/a%20file.txt").body()).isEqualTo("content of a file.txt");
  }

  @Test
  void directoriesServeIndexHtml() throws Exception {
    assertThat(get("/static/").body()).isEqualTo("<h1>root index</h1>");
    assertThat(get("/static").body()).isEqualTo("<h1>root index</h1>");
    assertThat(get("/static/sub/").body()).isEqualTo("<h1>sub index</h1>");
    assertThat(get("/static/sub").body()).isEqualTo("<h1>sub index</h1>");
  }

  @Test
  void missingFileIs404Json() throws Exception {
    HttpResponse<String> res = get("/static/nope.css");
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(res.body()).contains("\"status\":404").contains("Not found: /static/nope.css");
    HttpResponse<String> rootMounted = get("/nope.js");
    assertThat(rootMounted.statusCode()).isEqualTo(404);
    assertThat(rootMounted.body()).contains("Not found: /nope.js");
  }

  @Test
  void classpathFiles() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(index.body()).contains("hello from the classpath");
    assertThat(get("/index.html").body()).contains("hello from the classpath");
    assertThat(get("/app.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    assertThat(get("/sub/").body()).contains("sub index");
    assertThat(get("/sub").body()).contains("sub index");
    assertThat(get("/api/ping").body()).isEqualTo("pong");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/static/../secret.txt",
      "/static/%2e%2e/secret.txt",
      "/static/%2E%2E/secret.txt",
      "/static/%2E%2E%2Fsecret.txt",
      "/static/..%2fsecret.txt",
      "/static/..%2Fsecret.txt",
      "/static/.%2e/secret.txt",
      "/static/sub/../../secret.txt",
      "/static/sub/%2e%2e/%2e%2e/secret.txt",
      "/static/..%5csecret.txt",
      "/static/..%5Csecret.txt",
      "/static/..\\secret.txt",
      "/static/%252e%252e/secret.txt",
      "/static/%252e%252e%252fsecret.txt",
      "/static/secret.txt%00.html",
      "/static/../public/../secret.txt",
      "/staticity/../secret.txt",
      "/static/..;/secret.txt",
      "/static/ci/../../publicity.txt",
      "/../logback-test.xml",
      "/%2e%2e/logback-test.xml",
      "/..%2flogback-test.xml",
      "/%2e%2e%2fdev/herald/server/StaticFilesTest.class",
  })
  void traversalNeverEscapesTheRoot(String path) throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      String res = c.readResponse(T);
      assertThat(RawClient.status(res)).as(path).isIn(400, 404);
      assertThat(res).doesNotContain("SECRET").doesNotContain("<configuration>");
    }
  }

  @Test
  void staticMountsOnlyAnswerGet() throws Exception {
    HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/static/app.js"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(T).build(), BodyHandlers.ofString());
    assertThat(res.statusCode()).isIn(404, 405);
  }
}
