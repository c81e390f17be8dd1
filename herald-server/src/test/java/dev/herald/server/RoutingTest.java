package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plain routes over real sockets: methods, parameters, bodies, errors, keep-alive. */
class RoutingTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static HeraldServer server;
  private static HttpClient client;

  /** A JSON body type. */
  public record Greeting(String name, int count) {}

  @BeforeAll
  static void start() {
    Routing routing = Routing.builder()
        .get("/hello", req -> Response.text("hello"))
        .get("/users/{id}", req -> Response.text("user " + req.pathParam("id").orElseThrow()))
        .get("/users/me", req -> Response.text("me"))
        .get("/users/{id}/posts/{post}", req -> Response.json(Map.of(
            "id", req.pathParam("id").orElseThrow(), "post", req.pathParam("post").orElseThrow())))
        .post("/users/{id}", req -> Response.text(201, "created " + req.pathParam("id").orElseThrow() + ": " + req.bodyText()))
        .put("/users/{id}", req -> Response.text("put " + req.body().length))
        .delete("/users/{id}", req -> Response.status(204))
        .get("/query", req -> Response.json(Map.of(
            "q", req.query("q").orElse("-"), "all", req.queryAll("tag"), "missing", req.query("nope").isPresent())))
        .get("/header", req -> Response.text(req.header("x-TEST-header").orElse("-")))
        .post("/json", req -> {
          Greeting g = req.bodyJson(Greeting.class);
          return Response.json(new Greeting(g.name().toUpperCase(), g.count() + 1));
        })
        .post("/tree", req -> {
          Map<?, ?> node = req.bodyJson(Map.class);
          return Response.json(Map.of("keys", node.size()));
        })
        .post("/bytes", req -> Response.builder().status(200).header("X-Len", String.valueOf(req.body().length))
            .body(req.body(), "application/octet-stream").build())
        .get("/boom", req -> {
          throw new IllegalStateException("secret internals");
        })
        .get("/teapot", req -> {
          throw new HttpException(418, "short and stout");
        })
        .get("/html", req -> Response.html("<b>hi</b>"))
        .get("/remote", req -> Response.text(req.remoteAddress().getAddress().getHostAddress()))
        .get("/bye", req -> Response.builder().status(503).header("Connection", "close")
            .body("bye".getBytes(StandardCharsets.UTF_8), "text/plain").build())
        .build();
    server = HeraldServer.builder().port(0).routing(routing).maxRequestBytes(1024).build().start();
    client = HttpClient.newBuilder().connectTimeout(T).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(T).build(), BodyHandlers.ofString());
  }

  private static HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  @Test
  void getText() throws Exception {
    HttpResponse<String> res = send(req("/hello"));
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("hello");
    assertThat(res.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
  }

  @Test
  void pathParamsAndLiteralPrecedence() throws Exception {
    assertThat(send(req("/users/42")).body()).isEqualTo("user 42");
    assertThat(send(req("/users/me")).body()).isEqualTo("me");
    assertThat(send(req("/users/a%20b")).body()).isEqualTo("user a b");
    assertThat(send(req("/users/7/posts/9")).body()).contains("\"id\":\"7\"").contains("\"post\":\"9\"");
  }

  @Test
  void postPutDelete() throws Exception {
    HttpResponse<String> post = send(req("/users/5").POST(BodyPublishers.ofString("Ada")));
    assertThat(post.statusCode()).isEqualTo(201);
    assertThat(post.body()).isEqualTo("created 5: Ada");
    assertThat(send(req("/users/5").PUT(BodyPublishers.ofString("abc"))).body()).isEqualTo("put 3");
    HttpResponse<String> delete = send(req("/users/5").DELETE());
    assertThat(delete.statusCode()).isEqualTo(204);
    assertThat(delete.body()).isEmpty();
  }

  @Test
  void queryParameters() throws Exception {
    String body = send(req("/query?q=a+b%26c&tag=x&tag=y")).body();
    assertThat(Json.MAPPER.readTree(body).get("q").asText()).isEqualTo("a b&c");
    assertThat(Json.MAPPER.readTree(body).get("all").toString()).isEqualTo("[\"x\",\"y\"]");
    assertThat(Json.MAPPER.readTree(body).get("missing").asBoolean()).isFalse();
  }

  @Test
  void headersAreCaseInsensitive() throws Exception {
    assertThat(send(req("/header").header("X-Test-Header", "v1")).body()).isEqualTo("v1");
  }

  @Test
  void jsonBodies() throws Exception {
    HttpResponse<String> res = send(req("/json").POST(BodyPublishers.ofString("{\"name\":\"ada\",\"count\":1}")));
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(Json.MAPPER.readValue(res.body(), Greeting.class)).isEqualTo(new Greeting("ADA", 2));
    assertThat(send(req("/tree").POST(BodyPublishers.ofString("{\"a\":1,\"b\":2}"))).body()).isEqualTo("{\"keys\":2}");
  }

  @Test
  void malformedJsonIs400WithAReason() throws Exception {
    HttpResponse<String> res = send(req("/json").POST(BodyPublishers.ofString("{\"name\": ")));
    assertThat(res.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(res.body());
    assertThat(error.get("status").asInt()).isEqualTo(400);
    assertThat(error.get("error").asText()).isEqualTo("Bad Request");
    assertThat(error.get("message").asText()).isEqualTo("malformed JSON: unexpected end of input (line 1, column 10)");
    assertThat(send(req("/json").POST(BodyPublishers.noBody())).statusCode()).isEqualTo(400);
    assertThat(send(req("/json").POST(BodyPublishers.ofString("{\"count\":\"many\"}"))).statusCode()).isEqualTo(400);
  }

  @Test
  void bytesRoundTrip() throws Exception {
    byte[] bytes = new byte[1000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    HttpResponse<byte[]> res = client.send(req("/bytes").POST(BodyPublishers.ofByteArray(bytes)).build(), BodyHandlers.ofByteArray());
    assertThat(res.body()).isEqualTo(bytes);
    assertThat(res.headers().firstValue("x-len")).hasValue("1000");
  }

  @Test
  void htmlAndRemoteAddress() throws Exception {
    assertThat(send(req("/html")).headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(send(req("/remote")).body()).isEqualTo("127.0.0.1");
  }

  @Test
  void unknownPathIs404Json() throws Exception {
    HttpResponse<String> res = send(req("/nope"));
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(res.body()).isEqualTo("{\"status\":404,\"error\":\"Not Found\",\"message\":\"No route for GET /nope\"}");
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> res = send(req("/hello").POST(BodyPublishers.ofString("x")));
    assertThat(res.statusCode()).isEqualTo(405);
    assertThat(res.headers().firstValue("allow")).hasValue("GET");
    assertThat(send(req("/users/1").method("PATCH", BodyPublishers.noBody())).headers().firstValue("allow"))
        .hasValue("GET, POST, PUT, DELETE");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    HttpResponse<String> res = send(req("/bytes").POST(BodyPublishers.ofByteArray(new byte[2048])));
    assertThat(res.statusCode()).isEqualTo(413);
    assertThat(res.body()).contains("\"status\":413");
  }

  @Test
  void chunkedOversizedBodyIs413() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /bytes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "x".repeat(600);
      c.write(Integer.toHexString(600) + "\r\n" + chunk + "\r\n" + Integer.toHexString(600) + "\r\n" + chunk + "\r\n0\r\n\r\n");
      String res = c.readResponse(T);
      assertThat(RawClient.status(res)).isEqualTo(413);
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void malformedChunkIs400NotATruncatedBody() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /bytes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\nmore\r\n0\r\n\r\n");
      String res = c.readResponse(T);
      assertThat(RawClient.status(res)).isEqualTo(400);
      assertThat(res).contains("Malformed request body").doesNotContain("X-Len");
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void expectContinue() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /users/3 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.readHead(T)).startsWith("HTTP/1.1 100 Continue");
      c.write("Bob");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 201").endsWith("created 3: Bob");
    }
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /users/3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void handlerFailureIs500WithoutStackTrace() throws Exception {
    HttpResponse<String> res = send(req("/boom"));
    assertThat(res.statusCode()).isEqualTo(500);
    assertThat(res.body()).isEqualTo("{\"status\":500,\"error\":\"Internal Server Error\",\"message\":\"Internal server error\"}");
    assertThat(res.body()).doesNotContain("secret").doesNotContain("at dev.herald");
  }

  @Test
  void httpExceptionSetsStatus() throws Exception {
    HttpResponse<String> res = send(req("/teapot"));
    assertThat(res.statusCode()).isEqualTo(418);
    assertThat(res.body()).contains("\"message\":\"short and stout\"");
  }

  @Test
  void keepAliveServesTwoRequestsOnOneConnection() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(RawClient.request("GET", "/hello"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("hello");
      c.write(RawClient.request("GET", "/users/9"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("user 9");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        all.append(RawClient.request("GET", "/users/" + i));
      }
      all.append(RawClient.request("GET", "/nope"));
      c.write(all.toString().getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 10; i++) {
        assertThat(c.readResponse(T)).endsWith("user " + i);
      }
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 404");
    }
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(RawClient.request("GET", "/hello", "Connection: close"));
      assertThat(c.readResponse(T)).contains("connection: close").endsWith("hello");
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void handlerAskingToCloseClosesTheConnection() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(RawClient.request("GET", "/bye") + RawClient.request("GET", "/hello"));
      String res = c.readResponse(T);
      assertThat(res).startsWith("HTTP/1.1 503").endsWith("bye");
      assertThat(res.toLowerCase()).contains("\r\nconnection: close\r\n").doesNotContain("keep-alive");
      assertThat(c.awaitEof(T)).isTrue();
      assertThat(c.drain(Duration.ZERO)).as("the pipelined request is not answered").isEmpty();
    }
  }

  @Test
  void malformedRequestIs400() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET /users/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 400");
    }
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET /hello?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 400").contains("application/json")
          .contains("Malformed query string").contains("%zz");
    }
    assertThat(send(req("/hello")).statusCode()).as("the server stays up").isEqualTo(200);
  }

  @Test
  void pipelinedOversizedRequestIsAnsweredAfterEarlierOnes() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(RawClient.request("GET", "/hello") + "POST /bytes HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("hello");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 413");
      assertThat(c.awaitEof(T)).isTrue();
    }
  }

  @Test
  void headAndOtherMethodsAreRejectedWithoutBreakingTheConnection() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(RawClient.request("HEAD", "/hello"));
      String head = c.readHead(T);
      assertThat(head).startsWith("HTTP/1.1 405").contains("allow: GET");
      c.write(RawClient.request("OPTIONS", "/nope"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 404").endsWith("\"message\":\"No route for OPTIONS /nope\"}");
      c.write(RawClient.request("GET", "/hello"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("hello");
    }
  }

  @Test
  void absoluteFormRequestTargetIsRouted() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET http://localhost/users/5?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("user 5");
    }
  }
}
