package dev.herald.client;

import dev.herald.core.MessageEvent;
import dev.herald.core.SseParser;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request of a source: decides from the status and content type whether the response
 * opens a stream, feeds the body's buffers to an {@link SseParser} (asking for the next buffers
 * only once the previous ones were delivered: backpressure), and watches the connect and read
 * timeouts with one task on the source's {@link Timing}. Reports to its source exactly once that it ended.
 * A response that does not open a stream (a status other than 200 and 204) has the start of its
 * body read, up to {@link UnexpectedStatusException#MAX_BODY_BYTES}, for the exception; a stream's
 * end is checked against its framing (the transport's I/O error) and against a {@link BlockTracker}
 * (an event cut in half).
 */
final class Exchange implements HttpResponse.BodyHandler<Void>, HttpResponse.BodySubscriber<Void> {
  private final RealEventSource source;
  private final Request request;
  private final SseParser parser;
  private final CompletableFuture<Void> body = new CompletableFuture<>();
  private final AtomicBoolean done = new AtomicBoolean();
  private final Timing timing;
  private final long startedAt;
  private final BlockTracker blocks = new BlockTracker();
  /** Parser output of the buffers being parsed; touched only by the thread in onNext. */
  private List<Object> parsed = new ArrayList<>();
  /** The last event id handed to the source; touched only by the thread in onNext. */
  private String handedId;

  private volatile CompletableFuture<?> response;
  private volatile Flow.Subscription subscription;
  private volatile boolean streaming;
  private volatile long headersAt;
  private volatile long lastRead;
  /** Buffers were read and wait for the listener: no read timeout until it asks for more. */
  private volatile boolean delivering;
  private volatile Future<?> watchdog;
  /** The head of a response that does not open a stream, whose body is being read; else null. */
  private volatile ResponseHead refused;
  private volatile boolean refusedRetry;
  private volatile Duration refusedAfter;
  /** The start of the refused response's body; guarded by this (the reader appends, the timer may read). */
  private byte[] refusedBody = new byte[0];
  private int refusedLength;

  Exchange(RealEventSource source, Request request) {
    this.source = source;
    this.request = request;
    this.timing = source.timing;
    this.startedAt = timing.nanoTime();
    String lastEventId = request.lastEventId;
    this.handedId = lastEventId;
    this.parser = SseParser.builder().lastEventId(lastEventId).listener(new SseParser.Listener() {
      @Override
      public void onEvent(MessageEvent event) {
        parsed.add(event);
      }

      @Override
      public void onComment(String comment) {
        parsed.add(comment);
      }

      @Override
      public void onRetry(Duration reconnectionTime) {
        source.reconnectionTime(reconnectionTime);
      }
    }).build();
  }

  void start() {
    CompletableFuture<?> future;
    try {
      watch(source.connectTimeout.toNanos());
      future = source.transport.send(request, this);
    } catch (RuntimeException e) {
      end(new HeraldClientException("cannot send the request to " + source.uri() + ": " + e, e), false, null);
      return;
    }
    response = future;
    if (done.get()) {
      future.cancel(true);
    }
    future.whenComplete((r, t) -> {
      if (t != null) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (streaming) {
          onError(cause);
        } else if (refused != null) {
          endRefused(true);
        } else {
          end(new ConnectionFailedException("connection to " + source.uri() + " failed: " + cause, cause), true, null);
        }
      }
    });
  }

  /** Stops at once: no more reports, request or body cancelled, timer task removed. */
  void cancel() {
    done.set(true);
    release();
  }

  /** How long the stream was open, zero if it never opened. */
  Duration openFor() {
    long at = headersAt;
    return streaming ? Duration.ofNanos(timing.nanoTime() - at) : Duration.ZERO;
  }

  // BodyHandler: called once the status line and headers are in.

  @Override
  public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
    if (done.get()) {
      return this; // onSubscribe cancels
    }
    lastRead = headersAt = timing.nanoTime();
    int status = info.statusCode();
    ResponseHead head = ResponseHead.of(status, info.headers());
    if (status == 200 && ResponseRules.isEventStream(info.headers().firstValue("Content-Type"))) {
      streaming = true;
      watch(source.readTimeout.toNanos());
      source.opened(this, head);
      return this;
    }
    if (status == 204) {
      end(null, false, null);
    } else if (status == 200) {
      end(new UnexpectedContentTypeException(source.uri(), head), false, null);
    } else {
      boolean retry = source.retryOnServerError && (status >= 500 && status <= 599 || status == 429);
      refusedRetry = retry;
      refusedAfter = retry ? ResponseRules.retryAfter(info.headers().firstValue("Retry-After"), timing.now()).orElse(null) : null;
      refused = head; // the body is read (up to the cap) for the exception, then the exchange ends
      watch(source.readTimeout.toNanos());
    }
    return this;
  }

  // BodySubscriber: the body of a 200 event stream; any other body is cancelled unread.

  @Override
  public CompletionStage<Void> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    body.complete(null);
    if (done.get() || !streaming && refused == null) {
      subscription.cancel();
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    lastRead = timing.nanoTime();
    if (done.get()) {
      return;
    }
    if (refused != null) {
      collect(buffers);
      return;
    }
    for (ByteBuffer buffer : buffers) {
      blocks.scan(buffer);
      parser.feed(buffer);
    }
    String id = parser.lastEventId();
    if (parsed.isEmpty() && id.equals(handedId)) {
      more(); // nothing to deliver: no hop to the listener's thread (e.g. a partial line)
      return;
    }
    List<Object> items = parsed;
    parsed = new ArrayList<>();
    handedId = id;
    delivering = true;
    source.deliver(this, items, id, this::more);
  }

  @Override
  public void onError(Throwable throwable) {
    body.complete(null);
    if (refused != null) {
      endRefused(true);
      return;
    }
    String reason = throwable instanceof IOException ? throwable.toString() : "error " + throwable;
    end(new StreamEndedException("stream from " + source.uri() + " ended abruptly: " + reason, false, throwable), true, null);
  }

  @Override
  public void onComplete() {
    body.complete(null);
    if (refused != null) {
      endRefused(false);
    } else if (!blocks.atEventBoundary()) {
      end(new StreamEndedException("stream from " + source.uri() + " ended abruptly: the body ended in the middle of an event",
          false, null), true, null);
    } else if (source.reconnects()) {
      end(new StreamEndedException("stream from " + source.uri() + " ended", true, null), true, null);
    } else {
      end(null, false, null); // a one-shot stream (e.g. an LLM answer) is complete
    }
  }

  /** Keeps the start of a refused response's body; ends once the cap is passed. */
  private void collect(List<ByteBuffer> buffers) {
    int max = UnexpectedStatusException.MAX_BODY_BYTES + 1; // one byte more tells a longer body
    boolean full = false;
    synchronized (this) { // the timer may end the exchange while the reader appends
      for (ByteBuffer buffer : buffers) {
        int n = Math.min(buffer.remaining(), max - refusedLength);
        if (refusedBody.length < refusedLength + n) {
          refusedBody = Arrays.copyOf(refusedBody, Math.min(max, Math.max(refusedLength + n, refusedBody.length * 2)));
        }
        buffer.get(refusedBody, refusedLength, n);
        refusedLength += n;
        full |= refusedLength == max;
      }
    }
    if (full) {
      endRefused(true);
      return;
    }
    Flow.Subscription s = subscription;
    if (s != null) {
      s.request(1);
    }
  }

  /** Ends with the status error of the refused response, its body read so far. */
  private void endRefused(boolean truncated) {
    if (done.get()) {
      return;
    }
    byte[] bytes;
    int length;
    synchronized (this) {
      bytes = refusedBody.clone();
      length = refusedLength;
    }
    end(UnexpectedStatusException.of(source.uri(), refused, bytes, length, truncated), refusedRetry, refusedAfter);
  }

  private void more() {
    Flow.Subscription s = subscription;
    if (s != null && !done.get()) {
      lastRead = timing.nanoTime(); // time spent delivering to a slow listener is not a read timeout
      delivering = false;
      s.request(1);
    }
  }

  private void end(HeraldClientException error, boolean retryable, Duration retryAfter) {
    if (done.compareAndSet(false, true)) {
      release();
      source.ended(this, error, retryable, retryAfter);
    }
  }

  private void release() {
    Future<?> w = watchdog;
    if (w != null) {
      w.cancel(false);
    }
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    CompletableFuture<?> r = response;
    if (r != null && !r.isDone()) {
      r.cancel(true);
    }
  }

  // One timer task per exchange: it re-arms itself for the time left instead of being rescheduled per read.

  private void watch(long delayNanos) {
    Future<?> previous = watchdog;
    if (previous != null) {
      previous.cancel(false);
    }
    if (!done.get()) {
      arm(delayNanos);
    }
  }

  private void check() {
    if (done.get()) {
      return;
    }
    long now = timing.nanoTime();
    boolean open = headersAt != 0;
    Duration timeout = open ? source.readTimeout : source.connectTimeout;
    long idle = delivering ? 0 : now - (open ? lastRead : startedAt);
    if (idle >= timeout.toNanos()) {
      if (refused != null) {
        endRefused(true);
      } else if (open) {
        end(new ReadTimeoutException("no data for " + timeout.toMillis() + " ms from " + source.uri(), timeout), true, null);
      } else {
        end(new ConnectionFailedException("no response in " + timeout.toMillis() + " ms from " + source.uri(), null), true, null);
      }
    } else {
      arm(timeout.toNanos() - idle);
    }
  }

  /** Schedules the next check; a timer that refuses it ends the exchange (no silent stall). */
  private void arm(long delayNanos) {
    try {
      watchdog = timing.timeout(this::check, delayNanos);
    } catch (RuntimeException e) {
      end(new HeraldClientException("cannot schedule the timeout of " + source.uri() + ": " + e, e), false, null);
    }
  }
}
