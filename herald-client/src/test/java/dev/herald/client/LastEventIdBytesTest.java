package dev.herald.client;

import static dev.herald.client.TestServer.head;
import static dev.herald.client.TestServer.sse;
import static dev.herald.client.TestServer.sseOpen;
import static dev.herald.client.TestServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.MessageEvent;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Last-Event-ID} carries exactly the id's UTF-8 bytes, as Chromium sends them, whatever the
 * id's characters: ASCII, Latin-1, the BMP, the astral planes. The bytes are checked on a raw
 * socket, and the source really resumes (the next events arrive with the id).
 */
class LastEventIdBytesTest extends TestServerSupport {
  private final ManualTiming timing = new ManualTiming();

  private EventSource.Builder builder() {
    return EventSource.builder(server.uri()).timing(timing);
  }

  private static byte[] utf8(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"42", "\u00e9", "\u2603", "\uD83D\uDE00", "\u00e9\u2603", "a b\u00ff\u0100z"})
  void theIdFromTheStreamIsSentAsItsUtf8Bytes(String id) throws Exception {
    server.enqueue(sse("id: " + id + "\ndata: a\n\n"), sseOpen("data: b\n\n"));
    source = builder().connect(recorder);
    assertThat(server.takeRequest().rawHeader("Last-Event-ID")).isNull();
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "a", id));
    assertThat(recorder.nextError().willRetry()).isTrue();
    timing.nextReconnect().run();
    TestServer.Recorded resumed = server.takeRequest();
    assertThat(resumed.rawHeader("Last-Event-ID")).isEqualTo(utf8(id));
    assertThat(resumed.header("Accept")).isEqualTo("text/event-stream");
    assertThat(resumed.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent()).isEqualTo(MessageEvent.of("message", "b", id));
    assertThat(source.readyState()).isEqualTo(ReadyState.OPEN);
    assertThat(source.lastEventId()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u00e9", "\uD83D\uDE00"})
  void anInitialIdIsSentAsItsUtf8BytesOnTheFirstRequest(String id) throws Exception {
    server.enqueue(sseOpen("data: first\n\n"));
    source = builder().lastEventId(id).post("{}").header("Content-Type", "application/json").connect(recorder);
    TestServer.Recorded request = server.takeRequest();
    assertThat(request.rawHeader("Last-Event-ID")).isEqualTo(utf8(id));
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.body()).isEqualTo("{}");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("Host")).isEqualTo(server.uri().getAuthority());
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "first", id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u00e9", "\u2603"})
  void aChunkedStreamIsReadAndItsEndReconnects(String id) throws Exception {
    server.enqueue((r, ex) -> {
      ex.write(head(200, "Content-Type: text/event-stream", "Transfer-Encoding: chunked"));
      byte[] event = ("id: " + id + "\ndata: x\n\n").getBytes(StandardCharsets.UTF_8);
      ex.write(Integer.toHexString(event.length) + "\r\n");
      ex.write(event);
      ex.write("\r\n3;ext=1\r\n:\n\n\r\n0\r\n\r\n");
      ex.awaitClientClose();
    }, sseOpen("data: y\n\n"));
    source = builder().lastEventId("0\u00e9").connect(recorder);
    assertThat(server.takeRequest().rawHeader("Last-Event-ID")).isEqualTo(utf8("0\u00e9"));
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "x", id));
    assertThat(recorder.next()).isEqualTo("comment:");
    assertThat(recorder.nextError().error()).hasMessageContaining("ended");
    timing.nextReconnect().run();
    assertThat(server.takeRequest().rawHeader("Last-Event-ID")).isEqualTo(utf8(id));
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "y", id));
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 307})
  void redirectsAreFollowedWithTheSameBytes(int code) throws Exception {
    String id = "\u2603";
    server.enqueue(status(code, "Location: /moved"), sseOpen("data: here\n\n"));
    source = builder().lastEventId(id).connect(recorder);
    assertThat(server.takeRequest().rawHeader("Last-Event-ID")).isEqualTo(utf8(id));
    TestServer.Recorded moved = server.takeRequest();
    assertThat(moved.target()).isEqualTo("/moved");
    assertThat(moved.rawHeader("Last-Event-ID")).isEqualTo(utf8(id));
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "here", id));
  }

  @Test
  void theClientsCookieHandlerStoresAndSendsCookiesOnTheRawPath() throws Exception {
    HttpClient withCookies = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    server.enqueue(status(307, "Location: /moved", "Set-Cookie: session=s1; Path=/"), sseOpen("data: here\n\n"));
    source = builder().httpClient(withCookies).lastEventId("\u00e9").connect(recorder);
    assertThat(server.takeRequest().header("Cookie")).isNull();
    TestServer.Recorded moved = server.takeRequest();
    assertThat(moved.target()).isEqualTo("/moved");
    assertThat(moved.header("Cookie")).isEqualTo("session=s1");
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "here", "\u00e9"));
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 204})
  void otherStatusesCloseAsOnTheJdkPath(int code) throws Exception {
    server.enqueue(status(code));
    source = builder().lastEventId("\u00e9").connect(recorder);
    if (code == 404) {
      Recorder.Error error = recorder.nextError();
      assertThat(error.willRetry()).isFalse();
      assertThat(error.error().status()).hasValue(404);
    }
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
  }

  @Test
  void readTimeoutAndCloseWorkOnTheRawPath() throws Exception {
    String id = "\u00e9";
    server.enqueue(sseOpen("data: a\n\n"), sseOpen("data: b\n\n"));
    source = builder().lastEventId(id).readTimeout(Duration.ofSeconds(45)).connect(recorder);
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "a", id));
    // advanced until the check fires: the delivery of "a" may still be finishing (which restarts
    // the read timeout) when the first advance lands
    Object next = recorder.nextWhile(() -> timing.advance(Duration.ofSeconds(45)));
    assertThat(next).isInstanceOf(Recorder.Error.class);
    Recorder.Error error = (Recorder.Error) next;
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error()).hasMessageContaining("no data for 45000 ms");
    await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() == 1);
    timing.nextReconnect().run();
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "b", id));
    source.close();
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() == 2);
  }

  @Test
  void aProxyCannotCarryTheRawPathAndClosesWithTheError() throws Exception {
    HttpClient proxied = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", 9))).build();
    source = builder().httpClient(proxied).lastEventId("\u00e9").connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).hasMessageContaining("cannot be sent through a proxy");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(server.connections()).isZero();
  }
}
