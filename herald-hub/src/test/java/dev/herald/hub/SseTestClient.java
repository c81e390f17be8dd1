package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.core.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal SSE reader for hub tests: real HTTP, events parsed by herald-core's {@link SseParser}
 * into a queue; {@code retry:} values are recorded too. One reader thread per client.
 */
final class SseTestClient implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final HttpResponse<InputStream> response;
  final BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
  final BlockingQueue<Duration> retries = new LinkedBlockingQueue<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  private SseTestClient(HttpResponse<InputStream> response) {
    this.response = response;
    Thread reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Subscribes to {@code hub} with {@code query} (e.g. {@code topic=a&topic=b}) and an optional Last-Event-ID header. */
  static SseTestClient subscribe(URI hub, String query, String lastEventId) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve("/events?" + query)).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = new SseTestClient(HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    assertThat(c.response.statusCode()).as("subscribe status").isEqualTo(200);
    return c;
  }

  static SseTestClient subscribe(URI hub, String query) throws IOException, InterruptedException {
    return subscribe(hub, query, null);
  }

  private void read() {
    SseParser parser = SseParser.create(new SseParser.Listener() {
      @Override
      public void onEvent(MessageEvent event) {
        events.add(event);
      }

      @Override
      public void onRetry(Duration reconnectionTime) {
        retries.add(reconnectionTime);
      }
    });
    byte[] buf = new byte[8192];
    try (InputStream in = response.body()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        parser.feed(buf, 0, n);
      }
    } catch (IOException e) {
      // the connection ended; the test checks what arrived
    } finally {
      parser.end();
      ended.countDown();
    }
  }

  /** Waits for the {@code retry:} hint every hub stream starts with (so the subscription is registered). */
  Duration awaitRetry() throws InterruptedException {
    Duration d = retries.poll(5, TimeUnit.SECONDS);
    assertThat(d).as("a retry: hint within 5 s").isNotNull();
    return d;
  }

  /** The next event, failing the test if none arrives within 5 s. */
  MessageEvent next() throws InterruptedException {
    MessageEvent e = events.poll(5, TimeUnit.SECONDS);
    assertThat(e).as("an event within 5 s").isNotNull();
    return e;
  }

  /** The next {@code count} events. */
  List<MessageEvent> next(int count) throws InterruptedException {
    List<MessageEvent> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(next());
    }
    return list;
  }

  /** Asserts that no event arrives within {@code millis}. */
  void assertNothingFor(long millis) throws InterruptedException {
    assertThat(events.poll(millis, TimeUnit.MILLISECONDS)).as("no further event").isNull();
  }

  /** Events that arrived so far and were not taken. */
  List<MessageEvent> drain() {
    List<MessageEvent> list = new ArrayList<>();
    events.drainTo(list);
    return list;
  }

  /** Waits for the server to end the stream; true if it did within 5 s. */
  boolean awaitEnd() throws InterruptedException {
    return ended.await(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // closing a stream the server may already have closed
    }
  }
}
