package dev.herald.client;

import static dev.herald.client.TestServer.head;
import static dev.herald.client.TestServer.sseOpen;
import static dev.herald.client.TestServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP side of {@code EventSource}: request headers, statuses, content types, redirects (WPT request-*, status-*). */
class HttpRulesTest extends TestServerSupport {
  private static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).jitter(0).build();
  private final ManualTiming timing = new ManualTiming();

  private EventSource.Builder builder() {
    return EventSource.builder(server.uri()).reconnectPolicy(FAST).timing(timing);
  }

  @Test
  void requestHeaders() throws Exception {
    // request-accept, request-cache-control; no Last-Event-ID when there is none
    server.enqueue(sseOpen("data: x\n\n"));
    source = builder().header("Authorization", "Bearer t").connect(recorder);
    TestServer.Recorded request = server.takeRequest();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.target()).isEqualTo("/events");
    assertThat(request.header("Accept")).isEqualTo("text/event-stream");
    assertThat(request.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(request.header("Authorization")).isEqualTo("Bearer t");
    assertThat(request.header("Last-Event-ID")).isNull();
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(source.readyState()).isEqualTo(ReadyState.OPEN);
  }

  @Test
  void postWithBodyAndInitialLastEventId() throws Exception {
    server.enqueue(sseOpen("data: token\n\n"));
    source = builder().post("{\"prompt\":\"hi\"}").header("Content-Type", "application/json").lastEventId("41")
        .connect(recorder);
    TestServer.Recorded request = server.takeRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.body()).isEqualTo("{\"prompt\":\"hi\"}");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("Last-Event-ID")).isEqualTo("41");
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "token", "41"));
  }

  @Test
  void status204ClosesForGood() throws Exception {
    server.enqueue(status(204)).fallback(sseOpen("data: no\n\n"));
    source = builder().connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
    assertThat(timing.scheduledReconnects()).as("no reconnect scheduled").isZero();
    assertThat(server.connections()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {205, 404, 500, 503, 429})
  void otherStatusFailsWithoutRetry(int status) throws Exception {
    server.enqueue(status(status, "Retry-After: 0")).fallback(sseOpen("data: no\n\n"));
    source = builder().connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error().status()).hasValue(status);
    assertThat(error.error()).isInstanceOf(UnexpectedStatusException.class)
        .hasMessageContaining("unexpected status " + status).hasMessageContaining(server.uri().toString());
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(timing.scheduledReconnects()).as("no reconnect scheduled").isZero();
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void wrongContentTypeFailsWithoutRetry() throws Exception {
    // mime-type: text/plain is not an event stream
    server.enqueue((r, ex) -> ex.write(head(200, "Content-Type: text/plain") + "data: x\n\n"));
    server.fallback(sseOpen("data: no\n\n"));
    source = builder().connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).isInstanceOf(UnexpectedContentTypeException.class)
        .hasMessageContaining("unexpected content type text/plain from " + server.uri());
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(timing.scheduledReconnects()).as("no reconnect scheduled").isZero();
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void missingContentTypeFails() throws Exception {
    server.enqueue((r, ex) -> ex.write(head(200) + "data: x\n\n"));
    source = builder().connect(recorder);
    assertThat(recorder.nextError().willRetry()).isFalse();
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
  }

  @Test
  void contentTypeParametersAreIgnoredAndTheStreamIsUtf8() throws Exception {
    // mime-type with charset=windows-1252: still decoded as UTF-8
    server.enqueue((r, ex) -> {
      ex.write(head(200, "Content-Type: Text/Event-Stream; charset=windows-1252"));
      ex.write(new byte[] {'d', 'a', 't', 'a', ':', (byte) 0xC3, (byte) 0xA9, '\n', '\n'});
      ex.awaitClientClose();
    });
    source = builder().connect(recorder);
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "\u00e9", ""));
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 307})
  void redirectsAreFollowed(int status) throws Exception {
    server.enqueue(status(status, "Location: " + server.uri("/moved")), sseOpen("data: here\n\n"));
    source = builder().connect(recorder);
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "here", ""));
    server.takeRequest();
    TestServer.Recorded second = server.takeRequest();
    assertThat(second.target()).isEqualTo("/moved");
    assertThat(second.header("Accept")).isEqualTo("text/event-stream");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503, 429})
  void serverErrorsAreRetriedWhenOptedIn(int status) throws Exception {
    server.enqueue(status(status), sseOpen("data: back\n\n"));
    source = builder().retryOnServerError(true).connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error().status()).hasValue(status);
    ManualTiming.Task reconnect = timing.nextReconnect();
    assertThat(reconnect.delay).as("no Retry-After: the policy's delay").isEqualTo(Duration.ofMillis(50));
    reconnect.run();
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "back", ""));
  }

  @Test
  void retryAfterSecondsIsHonoured() throws Exception {
    server.enqueue(status(503, "Retry-After: 1"), sseOpen("data: back\n\n"));
    source = builder().retryOnServerError(true).connect(recorder);
    ManualTiming.Task reconnect = timing.nextReconnect();
    assertThat(reconnect.delay).isEqualTo(Duration.ofSeconds(1));
    reconnect.run();
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "back", ""));
  }

  @Test
  void retryAfterHttpDateIsHonoured() throws Exception {
    // the manual wall clock is on a whole second, so the date (one-second resolution) is exact
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(timing.now().plusSeconds(2).atZone(ZoneOffset.UTC));
    server.enqueue(status(429, "Retry-After: " + date), sseOpen("data: back\n\n"));
    source = builder().retryOnServerError(true).connect(recorder);
    ManualTiming.Task reconnect = timing.nextReconnect();
    assertThat(reconnect.delay).isEqualTo(Duration.ofSeconds(2));
    reconnect.run();
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "back", ""));
  }

  @Test
  void clientErrorsAreNotRetriedEvenWhenOptedIn() throws Exception {
    server.enqueue(status(404)).fallback(sseOpen("data: no\n\n"));
    source = builder().retryOnServerError(true).connect(recorder);
    assertThat(recorder.nextError().willRetry()).isFalse();
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
  }
}
