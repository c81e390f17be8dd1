package dev.herald.client;

import static dev.herald.client.TestServer.head;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The response that opened a stream reaches {@code onOpen(source, response)} and
 * {@link EventSource#response()}, on every (re)connect and over both transports; a listener that
 * overrides only the old {@code onOpen(source)} is still called.
 */
class OpenResponseTest extends TestServerSupport {

  private static TestServer.Handler stream(String requestId, String body) {
    return (request, exchange) -> exchange.write(head(200, "Content-Type: text/event-stream; charset=utf-8",
        "X-Request-Id: " + requestId, "X-RateLimit-Remaining: 9") + body);
  }

  /** Records each open's response head, then each event. */
  private static final class HeadRecorder implements EventSourceListener {
    final BlockingQueue<Object> log = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(EventSource source, ResponseHead response) {
      log.add(response);
    }

    @Override
    public void onEvent(EventSource source, MessageEvent event) {
      log.add(event.data());
    }

    Object next() throws InterruptedException {
      Object o = log.poll(30, TimeUnit.SECONDS);
      assertThat(o).as("a call within 30 s").isNotNull();
      return o;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\u00e9"}) // the JDK client; the raw connection
  void onOpenGetsStatusAndHeadersOfEachOpeningResponse(String lastEventId) throws Exception {
    server.enqueue(stream("first", "data: a\n\n"), stream("second", "data: b\n\n"));
    server.fallback(TestServer.status(204));
    HeadRecorder listener = new HeadRecorder();
    ReconnectPolicy fast = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10)).build();
    source = EventSource.builder(server.uri()).lastEventId(lastEventId).reconnectPolicy(fast).connect(listener);
    ResponseHead first = (ResponseHead) listener.next();
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.firstHeader("x-request-id")).contains("first");
    assertThat(first.headers().get("X-RATELIMIT-REMAINING")).containsExactly("9");
    assertThat(first.firstHeader("Content-Type")).contains("text/event-stream; charset=utf-8");
    assertThat(listener.next()).isEqualTo("a");
    ResponseHead second = (ResponseHead) listener.next();
    assertThat(second.firstHeader("X-Request-Id")).contains("second");
    assertThat(listener.next()).isEqualTo("b");
    assertThat(source.response()).contains(second);
  }

  @Test
  void theOldOnOpenIsStillCalled() throws Exception {
    server.enqueue(TestServer.sseOpen("data: a\n\n"));
    source = EventSource.builder(server.uri()).connect(recorder); // overrides only onOpen(EventSource)
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent().data()).isEqualTo("a");
  }

  @Test
  void anEventStreamUserReadsTheResponseFromTheSource() throws Exception {
    server.enqueue(stream("s-1", "data: a\n\n"));
    try (EventStream events = EventSource.builder(server.uri()).reconnectPolicy(ReconnectPolicy.never()).stream()) {
      assertThat(events.take().data()).isEqualTo("a");
      assertThat(events.source().response()).hasValueSatisfying(r -> {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.firstHeader("X-Request-Id")).contains("s-1");
      });
    }
  }

  @Test
  void noResponseBeforeTheStreamOpens() throws Exception {
    server.enqueue(TestServer.hang());
    source = EventSource.builder(server.uri()).connect(recorder);
    server.takeRequest();
    assertThat(source.response()).isEmpty();
  }

  @Test
  void responseHeadsAreImmutableValues() {
    java.util.Map<String, java.util.List<String>> headers = new java.util.HashMap<>();
    headers.put("A", new java.util.ArrayList<>(java.util.List.of("1")));
    ResponseHead head = ResponseHead.of(200, headers);
    headers.get("A").add("2");
    assertThat(head.headers().get("a")).containsExactly("1");
    assertThat(head).isEqualTo(ResponseHead.of(200, java.util.Map.of("a", java.util.List.of("1"))));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> head.headers().put("b", java.util.List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(head.firstHeader("missing")).isEmpty();
  }
}
