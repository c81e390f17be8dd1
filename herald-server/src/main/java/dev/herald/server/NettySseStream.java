package dev.herald.server;

import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEncoder;
import dev.herald.core.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SseStream} of one Netty connection. Senders on any thread encode, count the bytes
 * and put them on a lock-free queue; one drain task per burst writes the queue on the event loop
 * and flushes once. Fields marked "loop" are touched only on the connection's event loop.
 *
 * <p>Bound and pacing: {@link #buffered} counts bytes from the send until Netty reports them
 * written to the socket. A send is accepted while it is below {@code maxBuffered}, whatever its
 * own size (check and add are one compare-and-set, so {@code buffered < maxBuffered + the largest
 * event}). A plain send that finds it full closes the stream; a paced send waits in
 * {@link #paced} instead. A write completion that leaves it at or below {@code lowWater} pumps
 * the waiting paced sends (first), then fires {@link #writable} and wakes blocked threads.
 */
final class NettySseStream implements SseStream {
  private static final Logger log = LoggerFactory.getLogger(NettySseStream.class);
  private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer(SseEncoder.comment("")).asReadOnly());
  private static final long GRACEFUL_CLOSE_MILLIS = 5_000;

  private final io.netty.channel.Channel channel;
  private final EventLoop loop;
  private final ServerRequest request;
  private final ServerContext server;
  private final boolean chunked;
  private final long maxBuffered;
  private final long lowWater;

  private final AtomicReference<CloseReason> reason = new AtomicReference<>();
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
  private final WritableCallbacks writable;
  private final PacedSends paced;
  private volatile long peakBuffered;

  private final CloseCallbacks closeCallbacks;
  private final StreamHead head = new StreamHead();

  private boolean committed; // loop
  private boolean finished; // loop
  private long lastWriteNanos; // loop

  NettySseStream(io.netty.channel.Channel channel, ServerRequest request, ServerContext server, boolean chunked) {
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.request = request;
    this.server = server;
    this.chunked = chunked;
    this.maxBuffered = server.maxBufferedBytes();
    this.lowWater = maxBuffered / 2;
    this.writable = new WritableCallbacks(server, () -> reason.get() != null, this);
    this.paced = new PacedSends(server, this::offer,
        () -> reason.get() == null && channel.isActive(), () -> buffered.get() <= lowWater);
    this.closeCallbacks = new CloseCallbacks(server, request);
  }

  EventLoop loop() {
    return loop;
  }

  @Override
  public long bufferedBytes() {
    return buffered.get();
  }

  @Override
  public boolean isWritable() {
    return reason.get() == null && buffered.get() < maxBuffered;
  }

  @Override
  public void onWritable(Runnable callback) {
    Objects.requireNonNull(callback, "callback == null");
    if (reason.get() != null) {
      return;
    }
    writable.add(callback);
    // a write completing before the add saw no callback: if it left the count low, fire here
    if (buffered.get() <= lowWater) {
      writable.fire();
    }
    if (reason.get() != null) {
      writable.clear(); // closed meanwhile: finish() may have cleared before the add
    }
  }

  /** Writability callbacks registered and not yet run or dropped (tests). */
  int writableWaiting() {
    return writable.size();
  }

  /** Paced sends waiting for room (tests). */
  int pacedWaiting() {
    return paced.size();
  }

  /** Bytes left the buffer (written or dropped); at the low-water mark, wakes what waits for room. */
  private void released(int n) {
    if (buffered.addAndGet(-n) <= lowWater) {
      if (paced.hasWaiting()) {
        paced.pump();
      }
      if (!writable.isEmpty()) {
        writable.fire();
      }
      writable.wakeBlocked();
    }
  }

  @Override
  public boolean awaitWritable(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout == null");
    if (loop.inEventLoop()) {
      throw new IllegalStateException("awaitWritable on the stream's event loop would block the writes it waits for");
    }
    return writable.await(() -> reason.get() != null || buffered.get() < maxBuffered, timeout) && isOpen();
  }

  @Override
  public CompletionStage<Boolean> sendWhenWritable(SseEvent event) {
    Objects.requireNonNull(event, "event == null");
    head.seal();
    return paced.send(Unpooled.wrappedBuffer(SseEncoder.encode(event)));
  }

  @Override
  public CompletionStage<Boolean> sendWhenWritable(EncodedEvent event) {
    Objects.requireNonNull(event, "event == null");
    head.seal();
    return paced.send(Unpooled.wrappedBuffer(event.bytes()));
  }

  /** The most bytes ever buffered at once; below the bound plus the largest event sent. */
  long peakBufferedBytes() {
    return peakBuffered;
  }

  @Override
  public SseStream header(String name, String value) {
    head.add(name, value, this);
    return this;
  }

  @Override
  public boolean send(SseEvent event) {
    Objects.requireNonNull(event, "event == null");
    head.seal();
    if (reason.get() != null) {
      return false;
    }
    return sendShared(Unpooled.wrappedBuffer(SseEncoder.encode(event)));
  }

  @Override
  public boolean send(EncodedEvent event) {
    Objects.requireNonNull(event, "event == null");
    head.seal();
    if (reason.get() != null) {
      return false;
    }
    return sendShared(Unpooled.wrappedBuffer(event.bytes()));
  }

  /** Queues encoded bytes, taking ownership of {@code buf} (released if refused). */
  boolean sendShared(ByteBuf buf) {
    PacedSends.Offer offer = offer(buf);
    if (offer == PacedSends.Offer.FULL) { // the backlog this event would join is full: the reader is behind
      buf.release();
      close(CloseReason.SLOW_CONSUMER);
    }
    return offer == PacedSends.Offer.ACCEPTED;
  }

  /** Queues {@code buf} unless closed (released) or the backlog is at the bound (still the caller's). */
  private PacedSends.Offer offer(ByteBuf buf) {
    head.seal();
    if (reason.get() != null) {
      buf.release();
      return PacedSends.Offer.CLOSED;
    }
    int n = buf.readableBytes();
    long before;
    do {
      before = buffered.get();
      if (before >= maxBuffered) {
        return PacedSends.Offer.FULL;
      }
    } while (!buffered.compareAndSet(before, before + n));
    long now = before + n;
    if (now > peakBuffered) {
      peakBuffered = now;
    }
    queue.add(buf);
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        loop.execute(this::drain);
      } catch (RejectedExecutionException e) {
        close(CloseReason.SHUTDOWN); // the loop is gone: no drain will ever run
        releaseQueued();
        return PacedSends.Offer.CLOSED;
      }
    }
    return PacedSends.Offer.ACCEPTED;
  }

  /** Loop: writes everything queued, then flushes once. */
  private void drain() {
    drainScheduled.set(false);
    if (finished) {
      releaseQueued();
      return;
    }
    commit();
    boolean wrote = false;
    ByteBuf buf;
    while ((buf = queue.poll()) != null) {
      write(buf);
      wrote = true;
    }
    if (wrote) {
      lastWriteNanos = server.ticker().nanoTime(); // once per burst, not per event
      channel.flush();
    }
  }

  /** Loop: writes one buffer; the byte count drops when the socket has taken it (or it failed). */
  private void write(ByteBuf buf) {
    int n = buf.readableBytes();
    channel.write(new DefaultHttpContent(buf)).addListener(f -> released(n));
  }

  private void releaseQueued() {
    ByteBuf buf;
    while ((buf = queue.poll()) != null) {
      released(buf.readableBytes());
      buf.release();
    }
  }

  /** Loop: sends the response head once. */
  private void commit() {
    if (committed) {
      return;
    }
    committed = true;
    lastWriteNanos = server.ticker().nanoTime();
    channel.write(head.build(chunked, request, server.router().filters()));
  }

  /** Called on a worker when the handler returned normally: the head goes out now at the latest. */
  void handlerReturned() {
    head.seal();
    execute(() -> {
      if (!finished) {
        commit();
        channel.flush();
      }
    });
  }

  /** Called on a worker when the handler threw. */
  void handlerFailed(Throwable t) {
    head.seal();
    execute(() -> {
      if (finished) {
        log.debug("SSE handler for {} failed after the stream closed", request, t);
        return;
      }
      if (committed) {
        log.error("SSE handler for {} failed after the stream started", request, t);
        close(CloseReason.ERROR);
        return;
      }
      HttpException answer;
      if (t instanceof HttpException he) {
        answer = he;
      } else {
        log.error("SSE handler for {} failed", request, t);
        answer = new HttpException(500, "Internal server error");
      }
      if (!reason.compareAndSet(null, CloseReason.ERROR)) {
        return;
      }
      committed = true;
      finish(CloseReason.ERROR);
      FullHttpResponse res = Responses.error(answer, false);
      server.router().filters().after(request, answer.status(), false, res.headers());
      channel.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    });
  }

  /**
   * Loop: queues a heartbeat comment if nothing was written for {@code quietNanos}, and says
   * whether it did; but if the stream is still above its low-water mark after that quiet time,
   * its reader has stalled (a paced producer is waiting for it to drain), and the stream is
   * closed as a slow consumer instead.
   */
  boolean heartbeat(long nowNanos, long quietNanos) {
    if (!committed || finished || nowNanos - lastWriteNanos < quietNanos || !queue.isEmpty()) {
      return false;
    }
    if (buffered.get() > lowWater) {
      close(CloseReason.SLOW_CONSUMER);
      return false;
    }
    return sendShared(HEARTBEAT.duplicate());
  }

  @Override
  public void close() {
    head.seal();
    close(CloseReason.SERVER_CLOSE);
  }

  /** Closes with {@code why} unless already closed; safe from any thread. */
  void close(CloseReason why) {
    if (!reason.compareAndSet(null, why)) {
      return;
    }
    writable.wakeBlocked();
    if (loop.inEventLoop()) {
      closeOnLoop(why);
      return;
    }
    try {
      loop.execute(() -> closeOnLoop(why));
    } catch (RejectedExecutionException e) {
      releaseQueued();
      paced.failAll();
      closeCallbacks.fire(why);
    }
  }

  /** Loop: ends the response and the connection. */
  private void closeOnLoop(CloseReason why) {
    if (finished) {
      return;
    }
    boolean graceful = why == CloseReason.SERVER_CLOSE || why == CloseReason.SHUTDOWN;
    if (graceful && channel.isActive()) {
      drain();
      finish(why);
      io.netty.channel.ChannelFuture done =
          channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
      if (!done.isDone()) {
        loop.schedule(() -> channel.close(), GRACEFUL_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } else {
      finish(why);
      channel.close();
    }
  }

  /** Loop: marks the stream finished, drops queued bytes, unregisters and runs callbacks. */
  private void finish(CloseReason why) {
    finished = true;
    writable.clear();
    paced.failAll();
    releaseQueued();
    server.streams().unregister(this);
    closeCallbacks.fire(why);
  }

  @Override
  public boolean isOpen() {
    return reason.get() == null;
  }

  @Override
  public Optional<String> lastEventId() {
    Optional<String> id = request.header("Last-Event-ID").filter(s -> !s.isEmpty());
    return id.isPresent() ? id : request.query("lastEventId").filter(s -> !s.isEmpty());
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public void onClose(Consumer<CloseReason> callback) {
    Objects.requireNonNull(callback, "callback == null");
    CloseReason why = reason.get();
    if (why != null) {
      closeCallbacks.runNow(callback, why); // closed (or closing): at once, here, as documented
    } else {
      closeCallbacks.add(callback);
    }
  }

  private void execute(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      close(CloseReason.SHUTDOWN);
    }
  }

  @Override
  public String toString() {
    CloseReason r = reason.get();
    return "SseStream{" + request + (r == null ? ", open" : ", " + r) + "}";
  }
}
