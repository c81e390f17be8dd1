package dev.herald.testing;

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
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal SSE reader for tests: real HTTP through the JDK client, the body parsed by
 * herald-core's {@link SseParser} on one daemon reader thread into queues of events and
 * {@code retry:} values. The waiting methods fail with {@link AssertionError} after
 * {@link #WAIT}. Thread-safe; one consumer at a time.
 */
public final class SseTestClient implements AutoCloseable {
  /** A shared HTTP client for tests. */
  public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /**
   * How long {@link #next()}, {@link #awaitRetry()} and {@link #awaitEnd()} wait before failing:
   * generous, so a busy machine never turns a slow arrival into a failure (a passing test never
   * waits for it).
   */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<Duration> retries = new LinkedBlockingQueue<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  private SseTestClient(HttpResponse<InputStream> response) {
    this.response = response;
    Thread reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends {@code request}; returns once the status line and headers have arrived. */
  public static SseTestClient open(HttpRequest request) throws IOException, InterruptedException {
    return new SseTestClient(HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()));
  }

  /** {@code GET uri} with {@code Accept: text/event-stream}. */
  public static SseTestClient get(URI uri) throws IOException, InterruptedException {
    return open(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build());
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

  /** The response (status and headers). */
  public HttpResponse<InputStream> response() {
    return response;
  }

  /** The next event, failing if none arrives within {@link #WAIT}. */
  public MessageEvent next() throws InterruptedException {
    return next(WAIT).orElseThrow(() -> new AssertionError("no event within " + WAIT));
  }

  /** The next event within {@code timeout}, or empty. */
  public Optional<MessageEvent> next(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** The next {@code count} events. */
  public List<MessageEvent> next(int count) throws InterruptedException {
    List<MessageEvent> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(next());
    }
    return list;
  }

  /** Events that arrived so far and were not taken. */
  public List<MessageEvent> drain() {
    List<MessageEvent> list = new ArrayList<>();
    events.drainTo(list);
    return list;
  }

  /** The next {@code retry:} value, failing if none arrives within {@link #WAIT}. */
  public Duration awaitRetry() throws InterruptedException {
    Duration d = retries.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
    if (d == null) {
      throw new AssertionError("no retry: within " + WAIT);
    }
    return d;
  }

  /** {@code retry:} values that arrived so far and were not taken. */
  public List<Duration> retries() {
    return List.copyOf(retries);
  }

  /** Waits for the server to end the stream; true if it did within {@link #WAIT}. */
  public boolean awaitEnd() throws InterruptedException {
    return ended.await(WAIT.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Closes the connection. */
  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // closing a stream the server may already have closed
    }
  }
}
