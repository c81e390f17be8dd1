package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lingering close: an error that ends the connection while the client is still sending its
 * request (a body over the limit, a refused head) is flushed, the output half-closed, and the
 * rest of the input read and dropped, so the client reads the answer instead of a reset. A
 * client that keeps sending is closed after {@link LingeringClose#maxBytes} bytes or one
 * request timeout (a {@link FakeTicker} and {@link HeraldServer#sweepNow()} drive the clock).
 */
class LingeringCloseTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int LIMIT = 1024;
  private static final int BODY = 4_000_000; // far over the limit, under the discard bound
  private static final String TOO_LARGE = "{\"status\":413,\"error\":\"Request Entity Too Large\",\"message\":"
      + "\"Request body of " + BODY + " bytes exceeds the limit of " + LIMIT + "\"}";

  private final FakeTicker clock = new FakeTicker();
  private HeraldServer server;

  @BeforeEach
  void start() {
    Routing routing = Routing.builder()
        .get("/", req -> Response.text("hi"))
        .post("/upload", req -> Response.text("got " + req.body().length))
        .build();
    server = HeraldServer.builder().port(0).routing(routing).maxRequestBytes(LIMIT).requestTimeout(TIMEOUT)
        .heartbeatInterval(Duration.ZERO).ticker(clock).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String head(int length) {
    return "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n";
  }

  private static byte[] body(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  private void serverStaysUp() throws IOException {
    try (RawClient c = RawClient.get(server.port(), "/")) {
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("hi");
    }
  }

  @Test
  void wholeOversizedBodyWrittenBeforeReadingStillGets413() throws Exception {
    byte[] body = body(BODY);
    for (int i = 0; i < 5; i++) {
      try (RawClient c = RawClient.open(server.port())) {
        c.write(head(BODY));
        c.write(body); // all of it before reading: before lingering, this or the read met a reset
        String response = c.readResponse(T);
        assertThat(response).as("attempt %d", i).startsWith("HTTP/1.1 413")
            .containsIgnoringCase("connection: close").endsWith(TOO_LARGE);
        assertThat(c.awaitEof(T)).as("the connection ends").isTrue();
      }
      await().atMost(T).until(() -> server.lingering() == 0); // the client's close ends it
    }
    serverStaysUp();
  }

  @Test
  void jdkClientPostingFarOverTheLimitReads413() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(T).build();
    byte[] body = body(BODY);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/upload"))
          .timeout(T).POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());
      assertThat(res.statusCode()).as("attempt %d", i).isEqualTo(413);
      assertThat(res.body()).isEqualTo(TOO_LARGE);
    }
    serverStaysUp();
  }

  /** Refused heads, each followed by far more bytes than the limit, all written before reading. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "400|POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
      "501|POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "505|POST /upload HTTP/2.0\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n",
      "431|POST /upload HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n",
      "413|POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"})
  void otherErrorsWhileTheClientSendsAreReadToo(String spec) throws Exception {
    int status = Integer.parseInt(spec.substring(0, 3));
    String head = spec.substring(4).replace("{big}", "y".repeat(20_000));
    byte[] chunk = ("8000\r\n" + "z".repeat(0x8000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 3; i++) {
      try (RawClient c = RawClient.open(server.port())) {
        c.write(head);
        for (int n = 0; n < BODY / chunk.length; n++) {
          c.write(chunk);
        }
        String response = c.readResponse(T);
        assertThat(RawClient.status(response)).as(response).isEqualTo(status);
        assertThat(response).containsIgnoringCase("connection: close").contains("{\"status\":" + status + ",");
        assertThat(c.awaitEof(T)).isTrue();
      }
    }
    serverStaysUp();
  }

  @Test
  void requestTimeoutWhileTheClientStillSendsIsRead() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(head(LIMIT) + "x".repeat(10));
      await().atMost(T).until(() -> server.partialRequests() == 1);
      clock.advance(TIMEOUT);
      assertThat(server.sweepNow().timedOut()).isEqualTo(1);
      c.write(body(BODY)); // the client had not noticed: all of it before reading
      String response = c.readResponse(T);
      assertThat(response).startsWith("HTTP/1.1 408").endsWith("\"message\":\"No complete request within 30000 ms\"}");
      assertThat(c.awaitEof(T)).isTrue();
    }
    serverStaysUp();
  }

  @Test
  void clientThatKeepsSendingIsClosedAfterTheByteBound() throws Exception {
    long bound = LingeringClose.maxBytes(LIMIT);
    AtomicLong written = new AtomicLong();
    try (RawClient c = RawClient.open(server.port())) {
      c.write(head(Integer.MAX_VALUE));
      OutputStream out = c.socket.getOutputStream();
      CompletableFuture<IOException> writer = CompletableFuture.supplyAsync(() -> {
        byte[] chunk = body(64 * 1024);
        try {
          while (written.get() < 100 * bound) { // far more than the bound: only a close stops it
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
          return null;
        } catch (IOException e) {
          return e;
        }
      });
      assertThat(writer.get(T.toSeconds(), TimeUnit.SECONDS)).as("the server closed the connection").isNotNull();
      assertThat(written.get()).as("not before the bound").isGreaterThan(bound / 2);
    }
    await().atMost(T).until(() -> server.lingering() == 0);
    serverStaysUp();
  }

  @Test
  void clientThatNeverClosesIsClosedAfterTheRequestTimeout() throws Exception {
    try (RawClient c = RawClient.open(server.port())) {
      c.write(head(BODY));
      c.write(body(64 * 1024));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 413").endsWith(TOO_LARGE);
      assertThat(c.awaitEof(T)).as("the server half-closed after the answer").isTrue();
      assertThat(server.lingering()).isEqualTo(1);
      clock.advance(TIMEOUT.minusMillis(1));
      assertThat(server.sweepNow().timedOut()).as("still lingering").isZero();
      c.write(body(64 * 1024)); // still read: the client keeps sending
      clock.advance(Duration.ofMillis(1));
      assertThat(server.sweepNow().timedOut()).isEqualTo(1);
      assertThat(server.lingering()).isZero();
      OutputStream out = c.socket.getOutputStream();
      byte[] chunk = body(8192);
      await().atMost(T).until(() -> { // the close shows on the client as a reset on a later write
        try {
          out.write(chunk);
          return false;
        } catch (IOException e) {
          return true;
        }
      });
    }
    serverStaysUp();
  }
}
