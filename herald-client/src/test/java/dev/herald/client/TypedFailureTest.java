package dev.herald.client;

import static dev.herald.client.TestServer.head;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each failure has its own type carrying what the caller needs (status, headers, the start of the
 * body, the content type, the cause), over both transports: the JDK client (an ASCII
 * {@code Last-Event-ID}) and the raw HTTP/1.1 connection (an id outside visible ASCII).
 */
class TypedFailureTest extends TestServerSupport {
  private static final String JDK = "";
  private static final String RAW = "\u00e9";

  private EventSource.Builder builder(String lastEventId) {
    return EventSource.builder(server.uri()).lastEventId(lastEventId).reconnectPolicy(ReconnectPolicy.never());
  }

  private HeraldClientException failure(String lastEventId) throws InterruptedException {
    source = builder(lastEventId).connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    return error.error();
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void aStatusFailureCarriesStatusHeadersAndBody(String transport) throws Exception {
    String body = "{\"message\":\"missing 'prompt'\"}";
    server.enqueue((request, exchange) -> exchange.write(head(400, "Content-Type: application/json",
        "X-Request-Id: r-1", "X-Request-Id: r-2", "Content-Length: " + body.length()) + body));
    HeraldClientException error = failure(transport);
    assertThat(error).isInstanceOf(UnexpectedStatusException.class)
        .hasMessage("unexpected status 400 from " + server.uri() + ": " + body);
    UnexpectedStatusException status = (UnexpectedStatusException) error;
    assertThat(status.statusCode()).isEqualTo(400);
    assertThat(status.status()).hasValue(400);
    assertThat(status.body()).isEqualTo(body);
    assertThat(status.bodyTruncated()).isFalse();
    assertThat(status.headers().get("x-request-id")).containsExactly("r-1", "r-2");
    assertThat(status.firstHeader("content-type")).contains("application/json");
    assertThat(status.response().status()).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void aLongBodyIsCappedAtACharBoundary(String transport) throws Exception {
    // "x" then 10,000 two-byte chars, chunked: the cap at 8 KiB falls inside a char
    String body = "x" + "\u00e9".repeat(10_000);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    server.enqueue((request, exchange) -> {
      exchange.write(head(500, "Transfer-Encoding: chunked"));
      for (int i = 0; i < bytes.length; i += 1000) {
        int n = Math.min(1000, bytes.length - i);
        exchange.write(Integer.toHexString(n) + "\r\n");
        exchange.write(java.util.Arrays.copyOfRange(bytes, i, i + n));
        exchange.write("\r\n");
      }
      exchange.write("0\r\n\r\n");
    });
    UnexpectedStatusException error = (UnexpectedStatusException) failure(transport);
    assertThat(error.bodyTruncated()).isTrue();
    assertThat(error.body()).isEqualTo("x" + "\u00e9".repeat((UnexpectedStatusException.MAX_BODY_BYTES - 1) / 2));
    assertThat(error.getMessage()).startsWith("unexpected status 500 from " + server.uri() + ": x\u00e9\u00e9")
        .endsWith("...").hasSizeLessThan(UnexpectedStatusException.MESSAGE_BODY_CHARS + 100);
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void aBodyCutOffByTheServerIsKeptAndMarkedTruncated(String transport) throws Exception {
    server.enqueue((request, exchange) -> exchange.write(head(503, "Content-Length: 100") + "overloaded"));
    UnexpectedStatusException error = (UnexpectedStatusException) failure(transport);
    assertThat(error.body()).isEqualTo("overloaded");
    assertThat(error.bodyTruncated()).isTrue();
    assertThat(error).hasMessage("unexpected status 503 from " + server.uri() + ": overloaded...");
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void anEmptyBodyGivesTheStatusAlone(String transport) throws Exception {
    server.enqueue(TestServer.status(404));
    UnexpectedStatusException error = (UnexpectedStatusException) failure(transport);
    assertThat(error).hasMessage("unexpected status 404 from " + server.uri());
    assertThat(error.body()).isEmpty();
    assertThat(error.bodyTruncated()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void aWrongContentTypeCarriesIt(String transport) throws Exception {
    server.enqueue((request, exchange) -> exchange.write(head(200, "Content-Type: text/html; charset=utf-8",
        "X-Served-By: a") + "<html>"));
    HeraldClientException error = failure(transport);
    assertThat(error).isInstanceOf(UnexpectedContentTypeException.class)
        .hasMessage("unexpected content type text/html; charset=utf-8 from " + server.uri());
    UnexpectedContentTypeException type = (UnexpectedContentTypeException) error;
    assertThat(type.contentType()).contains("text/html; charset=utf-8");
    assertThat(type.statusCode()).isEqualTo(200);
    assertThat(type.firstHeader("X-Served-By")).contains("a");
    assertThat(error).isInstanceOf(UnexpectedResponseException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void noContentTypeIsEmpty(String transport) throws Exception {
    server.enqueue((request, exchange) -> exchange.write(head(200) + "data: x\n\n"));
    UnexpectedContentTypeException error = (UnexpectedContentTypeException) failure(transport);
    assertThat(error.contentType()).isEmpty();
    assertThat(error).hasMessageContaining("unexpected content type (none) from ");
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void aRefusedConnectionIsAConnectFailureWithItsCause(String transport) throws Exception {
    URI closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/events");
    }
    source = EventSource.builder(closed).lastEventId(transport).reconnectPolicy(ReconnectPolicy.never()).connect(recorder);
    HeraldClientException error = recorder.nextError().error();
    assertThat(error).isInstanceOf(ConnectionFailedException.class).hasMessageContaining(closed.toString())
        .hasCauseInstanceOf(java.net.ConnectException.class);
    assertThat(error.status()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void aConnectionClosedBeforeTheHeadIsAConnectFailure(String transport) throws Exception {
    server.fallback((request, exchange) -> { }); // the JDK client may retry a GET once on a new connection
    HeraldClientException error = failure(transport);
    assertThat(error).isInstanceOf(ConnectionFailedException.class).hasMessageContaining(server.uri().toString());
    assertThat(error.getCause()).isInstanceOf(java.io.IOException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {JDK, RAW})
  void silenceIsAReadTimeout(String transport) throws Exception {
    ManualTiming timing = new ManualTiming();
    server.enqueue(TestServer.sseOpen("data: a\n\n"));
    source = builder(transport).timing(timing).readTimeout(Duration.ofMillis(300)).connect(recorder);
    assertThat(recorder.events(1)).extracting(e -> e.data()).containsExactly("a");
    Object next = recorder.nextWhile(() -> timing.advance(Duration.ofMillis(300)));
    HeraldClientException error = ((Recorder.Error) next).error();
    assertThat(error).isInstanceOf(ReadTimeoutException.class).hasMessage("no data for 300 ms from " + server.uri());
    assertThat(((ReadTimeoutException) error).timeout()).isEqualTo(Duration.ofMillis(300));
  }
}
