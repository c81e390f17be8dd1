package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9112 request framing over raw sockets: a request whose body length is ambiguous (the
 * stuff of request smuggling) is answered 400 and the connection closed before any handler
 * sees it; an HTTP version other than 1.x is 505; an HTTP/1.1 request needs exactly one Host.
 */
class RequestFramingTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final BlockingQueue<String> BODIES = new LinkedBlockingQueue<>();
  private static HeraldServer server;

  @BeforeAll
  static void start() {
    Routing routing = Routing.builder()
        .post("/echo", req -> {
          BODIES.add(req.bodyText());
          return Response.text("echo " + req.bodyText());
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    server = HeraldServer.builder().port(0).routing(routing).build().start();
  }

  @BeforeEach
  void forgetBodies() {
    BODIES.clear();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Sends {@code request} on a new connection; returns the response after checking the close. */
  private static String refusedAndClosed(String request, int status) throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(request);
      String response = c.readResponse(T);
      assertThat(RawClient.status(response)).as(response).isEqualTo(status);
      assertThat(response.toLowerCase()).contains("\r\nconnection: close\r\n").contains("content-type: application/json");
      assertThat(c.awaitEof(T)).as("the server closes the connection").isTrue();
      return response;
    }
  }

  /** {@link #refusedAndClosed}, then the {@code message} of the response's JSON body. */
  private static String refusedMessage(String request, int status) throws Exception {
    String response = refusedAndClosed(request, status);
    JsonNode json = Json.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    return json.get("message").asText();
  }

  /** Proves no handler ran for the refused requests: the next body the route records is the marker's. */
  private static void nothingReachedTheHandler() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nmarker");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("echo marker");
    }
    assertThat(BODIES.poll()).isEqualTo("marker");
    assertThat(BODIES.poll()).isNull();
  }

  @ParameterizedTest(name = "Transfer-Encoding: {0}")
  @ValueSource(strings = {"xchunked", "gzip", "chunked, gzip", "identity"})
  void finalCodingOtherThanChunkedIs400(String codings) throws Exception {
    assertThat(refusedMessage("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + codings
        + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400))
        .contains("final transfer coding must be chunked").contains(codings);
    nothingReachedTheHandler();
  }

  @Test
  void xchunkedWithContentLengthIsNotReadByLength() throws Exception {
    assertThat(refusedMessage("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n"
        + "Content-Length: 20\r\n\r\n" + "GET /hello HTTP/1.1\r\n", 400))
        .contains("Transfer-Encoding");
    nothingReachedTheHandler();
  }

  @Test
  void chunkedTwiceIs400() throws Exception {
    assertThat(refusedMessage("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n", 400)).contains("chunked more than once");
    assertThat(refusedMessage("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400))
        .contains("chunked more than once");
    nothingReachedTheHandler();
  }

  @Test
  void chunkedWithContentLengthIs400() throws Exception {
    assertThat(refusedMessage("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400))
        .contains("both Transfer-Encoding and Content-Length");
    nothingReachedTheHandler();
  }

  @Test
  void unsupportedCodingBeforeChunkedIs501() throws Exception {
    assertThat(refusedMessage("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n", 501)).contains("gzip").contains("not supported");
    nothingReachedTheHandler();
  }

  @Test
  void transferEncodingOnHttp10Is400() throws Exception {
    assertThat(refusedMessage("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n", 400)).contains("HTTP/1.0");
    nothingReachedTheHandler();
  }

  @ParameterizedTest(name = "Content-Length: {0}")
  @ValueSource(strings = {"5\r\nContent-Length: 6", "5\r\nContent-Length: 5", "5, 6", "5, 5"})
  void severalContentLengthsAre400(String lengths) throws Exception {
    assertThat(refusedMessage("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + lengths
        + "\r\n\r\nhello!", 400)).contains("Content-Length");
    nothingReachedTheHandler();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"HTTP/9.9", "HTTP/2.0", "HTTP/0.9", "HTTP/3.0"})
  void otherHttpVersionsAre505(String version) throws Exception {
    assertThat(refusedMessage("GET /hello " + version + "\r\nHost: x\r\n\r\n", 505))
        .contains(version).contains("not supported");
  }

  @Test
  void http2PrefaceIs505() throws Exception {
    assertThat(refusedMessage("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505)).contains("HTTP/2.0");
  }

  @Test
  void requestLineWithoutVersionIs505() throws Exception {
    assertThat(refusedMessage("GET /hello\r\n\r\n", 505)).contains("no HTTP version");
  }

  @Test
  void http11WithoutHostIs400() throws Exception {
    assertThat(refusedMessage("GET /hello HTTP/1.1\r\n\r\n", 400))
        .isEqualTo("An HTTP/1.1 request needs a Host header");
    assertThat(refusedMessage("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400))
        .isEqualTo("A request must not have more than one Host header");
  }

  @Test
  void wellFormedRequestsStillWork() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write("GET /hello HTTP/1.0\r\n\r\n"); // HTTP/1.0 needs no Host
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("hello");
    }
    try (RawClient c = RawClient.open(server.port())) {
      c.write("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
          + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nworld"
          + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("echo hello");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("echo world");
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("hello");
    }
    assertThat(List.of(BODIES.poll(), BODIES.poll())).containsExactly("hello", "world");
    assertThat(BODIES.poll()).isNull();
  }
}
