package dev.herald.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A connection to a {@code text/event-stream}, like the browser's {@code EventSource}: it parses
 * events exactly as a browser does, reconnects after network errors and the end of the stream
 * (sending {@code Last-Event-ID}), honours {@code retry:}, and stops for good on a 204, on any
 * other status or content type, or on {@link #close()}.
 *
 * <pre>{@code
 * EventSource source = EventSource.builder(URI.create("http://localhost:8080/events"))
 *     .connect(new EventSourceListener() {
 *       public void onEvent(EventSource source, MessageEvent event) { System.out.println(event.data()); }
 *     });
 * try (EventStream events = EventSource.builder(uri).stream()) {
 *   MessageEvent first = events.take();
 * }
 * }</pre>
 *
 * <p>{@code Last-Event-ID} is sent as the id's UTF-8 bytes, as browsers send it, whatever its
 * characters; JDK 17's client cannot encode an id outside visible ASCII, so such a request goes
 * over a minimal HTTP/1.1 connection of the source's own (the configured client's redirect policy,
 * TLS context and cookie handler apply; a proxy is not supported there and closes the source with
 * an error). A failure while connecting or reconnecting always reaches the listener's
 * {@code onError}: the source then retries (network errors) or closes, never waits silently.
 *
 * <p>All methods are thread-safe; {@link #close()} may be called from any thread, including from
 * inside a listener.
 */
public interface EventSource extends AutoCloseable {

  /** A builder for a source reading {@code uri} (http or https). */
  static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** The URI this source requests. */
  URI uri();

  /** Whether the source is connecting (or waiting to reconnect), open, or closed for good. */
  ReadyState readyState();

  /** The last event id: what is sent as {@code Last-Event-ID} on the next request; {@code ""} when none. */
  String lastEventId();

  /**
   * The status and headers of the response that opened the stream most recently (kept while the
   * source reconnects or after it closed); empty until a response opened it. The same value as
   * {@link EventSourceListener#onOpen(EventSource, ResponseHead)} receives, for users of an
   * {@link EventStream}: once {@link EventStream#take()} returned an event it is present.
   */
  Optional<ResponseHead> response();

  /**
   * Closes the source for good: cancels the request in flight, cancels a pending reconnect and
   * calls the listener's {@code onClosed} (once, after any callback already running). Idempotent.
   */
  @Override
  void close();

  /**
   * Configures and starts an {@link EventSource}. Defaults are the {@code DEFAULT_*} constants. A
   * builder is not thread-safe; it may start several sources.
   */
  final class Builder {
    /** Time allowed to connect and receive the response headers: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Time without receiving a byte after which the connection is dropped and retried: 45 s,
     * three times a usual 15 s heartbeat.
     */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(45);

    final URI uri;
    String method = "GET";
    byte[] body;
    final List<String[]> headers = new ArrayList<>();
    String lastEventId = "";
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    Duration readTimeout = DEFAULT_READ_TIMEOUT;
    ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
    boolean retryOnServerError;
    HttpClient httpClient;
    Executor executor;
    /** Test seams: null means the real ones. */
    Transport transport;
    Timing timing;

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri == null");
      String scheme = uri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("not an http or https URI: " + uri);
      }
      this.uri = uri;
    }

    /**
     * The request method and body, sent again on every reconnect; {@code GET} without a body by
     * default. Set the body's {@code Content-Type} with {@link #header}.
     */
    public Builder method(String method, byte[] body) {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(body, "body == null");
      HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()); // validates
      this.method = method;
      this.body = body.clone();
      return this;
    }

    /** A POST with {@code body} encoded as UTF-8, as LLM-style streaming APIs expect. */
    public Builder post(String body) {
      Objects.requireNonNull(body, "body == null");
      return method("POST", body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a request header. {@code Accept: text/event-stream} and {@code Cache-Control: no-cache}
     * are sent unless set here; {@code Last-Event-ID} is always the source's own.
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(value, "value == null");
      if (name.equalsIgnoreCase("Last-Event-ID")) {
        throw new IllegalArgumentException("set Last-Event-ID with lastEventId(String)");
      }
      HttpRequest.newBuilder(uri).header(name, value); // validates name, value and restricted names
      headers.add(new String[] {name, value});
      return this;
    }

    /** The last event id to send on the first request, e.g. saved from an earlier run; {@code ""} by default. */
    public Builder lastEventId(String lastEventId) {
      Objects.requireNonNull(lastEventId, "lastEventId == null");
      if (lastEventId.indexOf('\r') >= 0 || lastEventId.indexOf('\n') >= 0 || lastEventId.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("a last event id cannot contain CR, LF or NUL");
      }
      this.lastEventId = lastEventId;
      return this;
    }

    /** Time allowed to connect and receive the response headers; {@link #DEFAULT_CONNECT_TIMEOUT} by default. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** Time without a byte after which the connection is dropped and retried; {@link #DEFAULT_READ_TIMEOUT} by default. */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = positive(readTimeout, "readTimeout");
      return this;
    }

    /** When to reconnect after a network error or the end of the stream; {@link ReconnectPolicy#defaults()} by default. */
    public Builder reconnectPolicy(ReconnectPolicy reconnectPolicy) {
      this.reconnectPolicy = Objects.requireNonNull(reconnectPolicy, "reconnectPolicy == null");
      return this;
    }

    /**
     * Whether a 5xx or 429 response is retried (after its {@code Retry-After}, else the backoff)
     * instead of closing the source; {@code false} by default, as in browsers.
     */
    public Builder retryOnServerError(boolean retryOnServerError) {
      this.retryOnServerError = retryOnServerError;
      return this;
    }

    /**
     * The HTTP client to send requests with. By default a shared client that follows redirects
     * (except https to http) and runs on Herald's shared daemon threads. A client of your own
     * should follow redirects too; its connect timeout applies as well as this builder's.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient == null");
      return this;
    }

    /**
     * The executor that runs listener callbacks (one at a time per source). By default a shared
     * pool of daemon threads that end after a few idle seconds.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /** Starts a source that reports to {@code listener}; it connects at once, asynchronously. */
    public EventSource connect(EventSourceListener listener) {
      Objects.requireNonNull(listener, "listener == null");
      RealEventSource source = new RealEventSource(this, listener);
      source.start();
      return source;
    }

    /** Starts a source whose events are taken from the returned blocking {@link EventStream}. */
    public EventStream stream() {
      RealEventStream stream = new RealEventStream();
      stream.attach(connect(stream));
      return stream;
    }

    /** Test seam: how requests are sent. */
    Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport == null");
      return this;
    }

    /** Test seam: the clocks and timer the source waits on. */
    Builder timing(Timing timing) {
      this.timing = Objects.requireNonNull(timing, "timing == null");
      return this;
    }

    Optional<byte[]> body() {
      return Optional.ofNullable(body);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name + " == null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " <= 0: " + value);
      }
      return value;
    }
  }
}
