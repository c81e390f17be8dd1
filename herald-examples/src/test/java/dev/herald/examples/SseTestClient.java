package dev.herald.examples;

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

/** A minimal SSE reader for tests: real HTTP, events parsed by herald-core into a queue. */
final class SseTestClient implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final HttpResponse<InputStream> response;
  private final BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Thread reader;

  private SseTestClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code request}; returns once the status line and headers have arrived. */
  static SseTestClient open(HttpRequest request) throws IOException, InterruptedException {
    return new SseTestClient(HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()));
  }

  static SseTestClient get(URI uri) throws IOException, InterruptedException {
    return open(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build());
  }

  private void read() {
    SseParser parser = SseParser.create(events::add);
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
