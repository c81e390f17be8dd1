package dev.herald.client;

import static dev.herald.client.TestServer.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.MessageEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a one-shot ({@link ReconnectPolicy#never()}) stream ends, over both transports (the JDK
 * client for an ASCII {@code Last-Event-ID}, the raw connection for {@code "é"}). Normal: the body
 * ends as its framing says (the last chunk, the {@code Content-Length}, the server closing a body
 * without either) after a complete event; then no error. Abnormal: a chunked body without its last
 * chunk, a short {@code Content-Length}, a reset, or bytes after the last blank line; then a
 * {@link StreamEndedException} with {@code willRetry == false}, and an {@link EventStream} throws it
 * after the events that did arrive.
 */
class StreamEndTest extends TestServerSupport {
  private static final String EVENTS = "data: a\n\ndata: b\n\n";

  private static String chunk(String text) {
    return Integer.toHexString(text.length()) + "\r\n" + text + "\r\n";
  }

  private static TestServer.Handler chunked(String body, boolean lastChunk) {
    return (request, exchange) -> {
      exchange.write(head(200, "Content-Type: text/event-stream", "Transfer-Encoding: chunked"));
      exchange.write(chunk(body));
      if (lastChunk) {
        exchange.write("0\r\n\r\n");
      }
    };
  }

  private static TestServer.Handler lengthOf(String body, int length) {
    return (request, exchange) -> exchange.write(head(200, "Content-Type: text/event-stream",
        "Content-Length: " + length) + body);
  }

  private static TestServer.Handler unframed(String body) {
    return (request, exchange) -> exchange.write(head(200, "Content-Type: text/event-stream") + body);
  }

  private static TestServer.Handler reset(String body) {
    return (request, exchange) -> {
      exchange.write(head(200, "Content-Type: text/event-stream", "Transfer-Encoding: chunked") + chunk(body));
      exchange.socket.setSoLinger(true, 0); // the close below sends RST
    };
  }

  private EventSource.Builder builder(String lastEventId) {
    return EventSource.builder(server.uri()).lastEventId(lastEventId).reconnectPolicy(ReconnectPolicy.never());
  }

  /** The events, then CLOSED with no error in between. */
  private void endsNormally(String lastEventId, TestServer.Handler handler) throws Exception {
    server.enqueue(handler);
    source = builder(lastEventId).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent().data()).isEqualTo("a");
    assertThat(recorder.nextEvent().data()).isEqualTo("b");
    assertThat(recorder.next()).as("no error before onClosed").isEqualTo(Recorder.CLOSED);
  }

  /** The events, then a StreamEndedException (not retried), then CLOSED. */
  private StreamEndedException endsAbruptly(String lastEventId, TestServer.Handler handler) throws Exception {
    server.enqueue(handler);
    source = builder(lastEventId).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent().data()).isEqualTo("a");
    assertThat(recorder.nextEvent().data()).isEqualTo("b");
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).isInstanceOf(StreamEndedException.class)
        .hasMessageStartingWith("stream from " + server.uri() + " ended abruptly: ");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    StreamEndedException ended = (StreamEndedException) error.error();
    assertThat(ended.endedCleanly()).isFalse();
    return ended;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void theLastChunkIsANormalEnd(String lastEventId) throws Exception {
    endsNormally(lastEventId, chunked(EVENTS, true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void aCompleteContentLengthIsANormalEnd(String lastEventId) throws Exception {
    endsNormally(lastEventId, lengthOf(EVENTS, EVENTS.length()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void closingAnUnframedBodyAfterAnEventIsANormalEnd(String lastEventId) throws Exception {
    endsNormally(lastEventId, unframed(EVENTS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void aChunkedBodyWithoutItsLastChunkEndsAbruptly(String lastEventId) throws Exception {
    StreamEndedException error = endsAbruptly(lastEventId, chunked(EVENTS, false));
    assertThat(error.getCause()).isInstanceOf(java.io.IOException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void aShortContentLengthEndsAbruptly(String lastEventId) throws Exception {
    StreamEndedException error = endsAbruptly(lastEventId, lengthOf(EVENTS, EVENTS.length() + 100));
    assertThat(error.getCause()).isInstanceOf(java.io.IOException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void aResetEndsAbruptly(String lastEventId) throws Exception {
    endsAbruptly(lastEventId, reset(EVENTS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void aHalfWrittenEventEndsAbruptlyEvenWithTheLastChunk(String lastEventId) throws Exception {
    StreamEndedException error = endsAbruptly(lastEventId, chunked(EVENTS + "data: the answer is", true));
    assertThat(error).hasMessageEndingWith("the body ended in the middle of an event");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void aFieldWithoutItsBlankLineEndsAbruptly(String lastEventId) throws Exception {
    endsAbruptly(lastEventId, unframed(EVENTS + "data: c\r\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void anEventStreamEndsOrThrowsTheSameWay(String lastEventId) throws Exception {
    server.enqueue(chunked(EVENTS, true), chunked(EVENTS, false));
    List<String> data = new ArrayList<>();
    try (EventStream events = builder(lastEventId).stream()) {
      for (MessageEvent event : events) {
        data.add(event.data());
      }
    }
    assertThat(data).containsExactly("a", "b");
    data.clear();
    try (EventStream events = builder(lastEventId).stream()) {
      assertThatThrownBy(() -> events.forEach(e -> data.add(e.data()))).isInstanceOf(StreamEndedException.class);
      assertThatThrownBy(events::take).isInstanceOf(StreamEndedException.class);
    }
    assertThat(data).containsExactly("a", "b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"})
  void aRetriedSourceReportsTheEndWithWillRetry(String lastEventId) throws Exception {
    server.enqueue(chunked(EVENTS, true), chunked("data: c\n\n", false));
    server.fallback(TestServer.status(204));
    ReconnectPolicy fast = ReconnectPolicy.builder().initialDelay(java.time.Duration.ofMillis(10)).build();
    source = EventSource.builder(server.uri()).lastEventId(lastEventId).reconnectPolicy(fast).connect(recorder);
    assertThat(recorder.events(2)).extracting(MessageEvent::data).containsExactly("a", "b");
    Recorder.Error clean = recorder.nextError();
    assertThat(clean.willRetry()).isTrue();
    assertThat(((StreamEndedException) clean.error()).endedCleanly()).isTrue();
    assertThat(recorder.events(1)).extracting(MessageEvent::data).containsExactly("c");
    Recorder.Error abrupt = recorder.nextError();
    assertThat(abrupt.willRetry()).isTrue();
    assertThat(((StreamEndedException) abrupt.error()).endedCleanly()).isFalse();
    assertThat(recorder.next()).as("the 204 closes cleanly").isEqualTo(Recorder.CLOSED);
  }
}
