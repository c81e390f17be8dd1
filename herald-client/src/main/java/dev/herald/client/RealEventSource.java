package dev.herald.client;

import dev.herald.core.MessageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link EventSource}: a state machine over successive {@link Exchange}s. Every listener call
 * and every decision (open, deliver, reconnect, close) runs as a task of one {@link SerialExecutor}
 * per source, so they happen one at a time and in order; only {@link #close()} acts at once from
 * any thread, by cancelling what is in flight.
 */
final class RealEventSource implements EventSource {
  private final URI uri;
  private final String method;
  private final byte[] body;
  /** The builder's headers plus the defaulted {@code Accept} and {@code Cache-Control}: the same on every request. */
  private final List<String[]> headers;
  final Duration connectTimeout;
  final Duration readTimeout;
  private final ReconnectPolicy policy;
  final boolean retryOnServerError;
  final Transport transport;
  final Timing timing;
  private final SerialExecutor callbacks;
  private final EventSourceListener listener;
  private final Random random = new Random();

  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ReadyState readyState = ReadyState.CONNECTING;
  private volatile String lastEventId;
  private volatile Duration reconnectionTime;
  private volatile ResponseHead response;
  /** Consecutive failed attempts; read and written only by callback tasks. */
  private int attempt;
  // Guarded by this.
  private Exchange exchange;
  private Future<?> reconnect;

  RealEventSource(EventSource.Builder builder, EventSourceListener listener) {
    this.uri = builder.uri;
    this.method = builder.method;
    this.body = builder.body().orElse(null);
    this.headers = withDefaults(builder.headers);
    this.connectTimeout = builder.connectTimeout;
    this.readTimeout = builder.readTimeout;
    this.policy = builder.reconnectPolicy;
    this.retryOnServerError = builder.retryOnServerError;
    HttpClient client = builder.httpClient != null ? builder.httpClient : Shared.httpClient();
    this.transport = builder.transport != null ? builder.transport : Transport.of(client);
    this.timing = builder.timing != null ? builder.timing : Timing.SYSTEM;
    this.callbacks = new SerialExecutor(builder.executor != null ? builder.executor : Shared.EXECUTOR);
    this.listener = listener;
    this.lastEventId = builder.lastEventId;
    this.reconnectionTime = policy.initialDelay();
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public ReadyState readyState() {
    return readyState;
  }

  @Override
  public String lastEventId() {
    return lastEventId;
  }

  @Override
  public Optional<ResponseHead> response() {
    return Optional.ofNullable(response);
  }

  @Override
  public void close() {
    if (shutdown()) {
      callbacks.execute(this::notifyClosed);
    }
  }

  @Override
  public String toString() {
    return "EventSource{" + uri + ", " + readyState + ", lastEventId=" + lastEventId + '}';
  }

  void start() {
    callbacks.execute(this::connect);
  }

  /** Whether the policy reconnects after a network error or the end of the stream. */
  boolean reconnects() {
    return policy.retry();
  }

  /** The reconnection time set by a {@code retry:} field; takes effect at the next reconnect. */
  void reconnectionTime(Duration time) {
    reconnectionTime = time;
  }

  /**
   * Starts the next exchange; a callback task. Whatever fails here (building the request, an
   * executor or timer that refuses work) closes the source with {@code onError} and
   * {@code onClosed} instead of leaving it {@code CONNECTING} with nothing scheduled. Failures the
   * exchange reports later (network errors) are retried as usual.
   */
  private void connect() {
    try {
      Exchange next;
      synchronized (this) {
        reconnect = null;
        if (closed.get()) {
          return;
        }
        next = new Exchange(this, request());
        exchange = next;
      }
      next.start();
    } catch (RuntimeException e) {
      fail(new HeraldClientException("cannot connect to " + uri + ": " + e, e));
    }
  }

  private Request request() {
    return new Request(method, uri, headers, body, lastEventId);
  }

  private static List<String[]> withDefaults(List<String[]> headers) {
    List<String[]> all = new ArrayList<>(headers);
    boolean accept = false;
    boolean cacheControl = false;
    for (String[] header : headers) {
      accept |= header[0].equalsIgnoreCase("Accept");
      cacheControl |= header[0].equalsIgnoreCase("Cache-Control");
    }
    if (!accept) {
      all.add(new String[] {"Accept", "text/event-stream"});
    }
    if (!cacheControl) {
      all.add(new String[] {"Cache-Control", "no-cache"});
    }
    return List.copyOf(all);
  }

  /** Closes with {@code error}, reported to the listener; a callback task. */
  private void fail(HeraldClientException error) {
    if (shutdown()) {
      try {
        listener.onError(this, error, false);
      } catch (RuntimeException ignored) {
        // closing anyway
      }
      notifyClosed();
    }
  }

  private synchronized boolean isCurrent(Exchange e) {
    return exchange == e && !closed.get();
  }

  /** Closes at once if not closed yet; returns whether this call closed it. */
  private boolean shutdown() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    readyState = ReadyState.CLOSED;
    Exchange e;
    Future<?> r;
    synchronized (this) {
      e = exchange;
      r = reconnect;
      exchange = null;
      reconnect = null;
    }
    if (r != null) {
      r.cancel(false);
    }
    if (e != null) {
      e.cancel();
    }
    return true;
  }

  // Called by Exchange from HTTP client or timer threads; each hops onto the callbacks executor.

  void opened(Exchange e, ResponseHead head) {
    callbacks.execute(() -> {
      if (isCurrent(e)) {
        response = head;
        readyState = ReadyState.OPEN;
        call(() -> listener.onOpen(this, head));
      }
    });
  }

  /** Delivers parsed items ({@link MessageEvent}s and comment strings), then asks for more bytes. */
  void deliver(Exchange e, List<Object> items, String idAfter, Runnable more) {
    callbacks.execute(() -> {
      for (Object item : items) {
        if (!isCurrent(e)) {
          return;
        }
        if (item instanceof MessageEvent) {
          MessageEvent event = (MessageEvent) item;
          lastEventId = event.lastEventId();
          call(() -> listener.onEvent(this, event));
        } else {
          call(() -> listener.onComment(this, (String) item));
        }
      }
      if (isCurrent(e)) {
        lastEventId = idAfter;
        more.run();
      }
    });
  }

  /**
   * The exchange ended: {@code error} is null for a clean end (204, or the end of a stream that
   * is not retried); {@code retryAfter} is null unless the server asked for a wait.
   */
  void ended(Exchange e, HeraldClientException error, boolean retryable, Duration retryAfter) {
    callbacks.execute(() -> {
      if (!isCurrent(e)) {
        return;
      }
      synchronized (this) {
        exchange = null;
      }
      if (!retryable || !policy.retry()) {
        if (shutdown()) {
          if (error != null) {
            call(() -> listener.onError(this, error, false));
          }
          notifyClosed();
        }
        return;
      }
      attempt = policy.nextAttempt(attempt, e.openFor());
      Duration delay = retryAfter != null ? retryAfter : policy.delay(attempt, reconnectionTime, random);
      readyState = ReadyState.CONNECTING;
      try {
        synchronized (this) {
          if (!closed.get()) {
            reconnect = timing.reconnect(() -> callbacks.execute(this::connect), delay.toNanos());
          }
        }
      } catch (RuntimeException t) {
        fail(new HeraldClientException("cannot schedule the reconnect to " + uri + " after: " + error.getMessage(), t));
        return;
      }
      call(() -> listener.onError(this, error, true));
    });
  }

  private void notifyClosed() {
    try {
      listener.onClosed(this);
    } catch (RuntimeException ignored) {
      // nothing more is reported after onClosed
    }
  }

  /** Runs a listener method; if it throws, the source reports the error and closes. */
  private void call(Runnable method) {
    try {
      method.run();
    } catch (RuntimeException t) {
      if (shutdown()) {
        HeraldClientException error = new HeraldClientException("listener failed for " + uri + ": " + t, t);
        try {
          listener.onError(this, error, false);
        } catch (RuntimeException ignored) {
          // already closing
        }
        callbacks.execute(this::notifyClosed);
      }
    }
  }
}
