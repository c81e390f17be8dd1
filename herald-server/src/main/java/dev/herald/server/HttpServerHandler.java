package dev.herald.server;

import dev.herald.server.RequestRules.Violation;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection: reads whole requests (bounded, put together by
 * {@link RequestAssembly}), answers them one at a time in order (pipelined requests wait in a
 * small queue while reading is paused), has {@link RequestDispatch} route each one and run its
 * handler on the worker pool, and turns the connection into an event stream for SSE routes. It
 * also ends the connection: closing, the lingering close after an error, the client's
 * half-close and the request-timeout bookkeeping. A client that
 * half-closes (EOF on its sending side, e.g. {@code nc -q}) still gets the answers to the
 * complete requests it sent, in order, then the connection closes; a request cut short by the
 * EOF is dropped, and an event stream ends at once ({@link CloseReason#CLIENT_DISCONNECT}). All
 * state is confined to the connection's event loop.
 */
final class HttpServerHandler extends ChannelInboundHandlerAdapter implements RequestDispatch.Connection {
  private static final Logger log = LoggerFactory.getLogger(HttpServerHandler.class);
  private static final int MAX_PIPELINED = 32;

  private final ServerContext server;
  private final ArrayDeque<Object> pending = new ArrayDeque<>(2);
  private final RequestAssembly assembly; // the request being read
  private boolean closing;
  private boolean busy;
  private NettySseStream stream;
  private ChannelHandlerContext ctx;
  private RequestDispatch dispatcher; // routes each request and runs its handler
  private long waitingSince; // when the wait for the next request began (open or last response)
  private boolean partial; // request bytes arrived since the last complete request
  private LingeringClose linger; // set once an error ends the connection: input is dropped
  private boolean inputShut; // the client half-closed: answer what was read, then close

  HttpServerHandler(ServerContext server) {
    this.server = server;
    this.assembly = new RequestAssembly(server.maxRequestBytes(), server.maxHeaderBytes());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.dispatcher = new RequestDispatch(server, ctx, this);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    waitingSince = server.ticker().nanoTime();
    server.timeouts().register(ctx.channel().eventLoop(), this);
    ctx.fireChannelActive();
  }

  /** Loop, from {@link RequestTimeouts.BytesSeen}: some bytes of a request were read. */
  void bytesArrived() {
    partial = true;
  }

  /** Loop: whether the error response is out and the input is being read and dropped. */
  boolean isLingering() {
    return linger != null && linger.started();
  }

  /** Loop: whether the client shut down its sending side and the connection is still open. */
  boolean isHalfClosed() {
    return inputShut && ctx.channel().isOpen();
  }

  /** Loop: whether bytes of a request that is not complete yet have arrived. */
  boolean hasPartialRequest() {
    return partial && !closing && stream == null;
  }

  /**
   * Loop: whether this connection has waited at least {@code timeoutNanos} for a request. Never
   * while a handler runs or a response is being written, nor once closing or streaming; in a
   * lingering close, whether it has lingered that long.
   */
  boolean waitedTooLong(long now, long timeoutNanos) {
    if (linger != null) {
      return linger.expired(now, timeoutNanos);
    }
    return !busy && !closing && stream == null && now - waitingSince >= timeoutNanos;
  }

  /**
   * Loop, from the sweep: the client was too slow. A half-sent request is answered {@code 408};
   * an idle keep-alive connection is just closed, and so is one that lingered too long.
   */
  void requestTimedOut(long timeoutNanos) {
    if (linger != null) {
      ctx.close();
      return;
    }
    closing = true;
    assembly.reset();
    pending.clear();
    ctx.channel().config().setAutoRead(false);
    if (partial && ctx.channel().isActive()) {
      long millis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
      startDropping();
      server.refused(408);
      linger.answer(ctx, Responses.error(408, "No complete request within " + millis + " ms", false), server.ticker());
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (linger != null) {
        if (linger.drop(msg)) {
          ctx.close(); // a client that keeps sending
        }
        return;
      }
      if (closing || stream != null) {
        return;
      }
      if (msg instanceof DecoderResultProvider p && p.decoderResult().cause() instanceof PrematureChannelClosureException) {
        assembly.reset(); // the decoder's report of a request cut short by the client's EOF: dropped
        return;
      }
      if (msg instanceof HttpRequest request) {
        onHead(request);
      }
      if (msg instanceof HttpContent content && assembly.reading()) {
        onContent(content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(HttpRequest request) {
    Violation refused = assembly.head(request);
    if (refused != null) {
      fail(refused);
      return;
    }
    if (request.headers().contains(HttpHeaderNames.EXPECT) && !busy && pending.isEmpty()) { // 100-continue
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
  }

  private void onContent(HttpContent content) {
    Object step = assembly.content(content);
    if (step instanceof Violation refused) {
      fail(refused);
    } else if (step instanceof RequestAssembly.Complete complete) {
      partial = false;
      if (pending.size() >= MAX_PIPELINED) {
        fail(new Violation(429, "Too many pipelined requests"));
        return;
      }
      try {
        pending.add(ServerRequest.of(complete.head(), complete.body(), (InetSocketAddress) ctx.channel().remoteAddress(),
            server.json()));
      } catch (IllegalArgumentException e) {
        pending.add(new Violation(400, "Malformed query string: " + e.getMessage()));
      }
      processNext();
    }
  }

  private void processNext() {
    while (!busy && stream == null && !pending.isEmpty()) {
      Object next = pending.poll();
      if (next instanceof Violation f) { // a request that could not be read: answered, then close
        busy = true;
        closing = true;
        pending.clear();
        startDropping();
        server.refused(f.status());
        linger.answer(ctx, Responses.error(f.status(), f.message(), false), server.ticker());
        return;
      }
      dispatch((ServerRequest) next);
    }
    if (!busy && !closing && stream == null) {
      if (inputShut) { // every request the client sent before its EOF is answered
        closing = true;
        ctx.close();
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  private void dispatch(ServerRequest request) {
    busy = true;
    ctx.channel().config().setAutoRead(false);
    dispatcher.dispatch(request);
  }

  @Override
  public void startStream(ServerRequest request, SseHandler handler) {
    // the client is gone for all a stream can tell (or gone for good while a before filter ran on
    // a worker, when no stream was there to close): its handler is not run
    if (inputShut || !ctx.channel().isActive()) {
      closing = true;
      pending.clear();
      ctx.close();
      return;
    }
    NettySseStream s = new NettySseStream(ctx.channel(), request, server, request.http11());
    stream = s;
    pending.clear();
    stopDecoding();
    server.timeouts().unregister(ctx.channel().eventLoop(), this);
    server.streams().register(s);
    ctx.channel().config().setAutoRead(true);
    dispatcher.runStream(request, handler, s);
  }

  /**
   * An event-stream connection reads nothing more, so the request decoder is removed: bytes a
   * client sends later are dropped without being parsed or queued.
   */
  private void stopDecoding() {
    HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
    if (codec != null) {
      codec.removeInboundHandler();
    }
    if (ctx.pipeline().get(RequestTimeouts.BytesSeen.class) != null) {
      ctx.pipeline().remove(RequestTimeouts.BytesSeen.class);
    }
  }

  /** Loop: writes the response of the current request, then moves on to the next one. */
  @Override
  public void respond(FullHttpResponse response, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess() || !keepAlive) {
        closing = true;
        f.channel().close();
        return;
      }
      waitingSince = server.ticker().nanoTime();
      busy = false;
      processNext();
    });
  }

  /**
   * Loop: stops reading; the requests already read are answered first, then this error, then
   * the connection closes.
   */
  private void fail(Violation error) {
    closing = true;
    assembly.reset();
    startDropping();
    pending.add(error);
    processNext();
  }

  /**
   * Loop: from now on, whatever the client sends is counted and dropped undecoded (the request
   * decoder is removed), see {@link LingeringClose}.
   */
  private void startDropping() {
    if (linger == null) {
      linger = new LingeringClose(server.maxRequestBytes());
      stopDecoding();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown();
    }
    ctx.fireUserEventTriggered(evt);
  }

  /**
   * Loop: the client shut down its sending side (the channels allow half-closure). An event
   * stream is closed as a disconnect at once, and so is a lingering close that has answered
   * (its client has read the answer); otherwise the part of a request read so far is dropped,
   * and the connection closes once every complete request has been answered (see
   * {@link #processNext()}, and {@link LingeringClose} for an error answer still to come).
   */
  private void inputShutdown() {
    inputShut = true;
    if (stream != null) {
      stream.close(CloseReason.CLIENT_DISCONNECT);
      ctx.close();
      return;
    }
    if (linger != null) {
      if (linger.started()) {
        ctx.close();
      }
      return;
    }
    assembly.reset();
    partial = false;
    if (!busy && pending.isEmpty()) {
      closing = true;
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    pending.clear();
    server.timeouts().unregister(ctx.channel().eventLoop(), this);
    if (stream != null) {
      stream.close(CloseReason.CLIENT_DISCONNECT);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (stream != null) {
      stream.close(cause instanceof IOException ? CloseReason.CLIENT_DISCONNECT : CloseReason.ERROR);
    } else if (!(cause instanceof IOException)) {
      log.warn("Connection from {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
