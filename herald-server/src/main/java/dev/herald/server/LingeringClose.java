package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * The lingering close of one connection that an error ends while its client may still be
 * sending (a body over the limit, a refused head, a request timeout). Closing a socket with
 * unread input makes the kernel answer with a reset, and a client that is still writing then
 * often loses the response it had not read yet. So once the error is flushed, the output is
 * half-closed (the client sees the response, then EOF) and the input is read and dropped
 * (each buffer released at once, nothing decoded or kept) until the client closes, or more than
 * {@link #maxBytes(int)} bytes were dropped, or one request timeout has passed (checked by the
 * request-timeout sweep of the connection's event loop; never when the timeout is off). Confined
 * to the connection's event loop.
 */
final class LingeringClose {
  /** The fewest bytes dropped before a client that keeps sending is cut off: 8 MiB. */
  static final long MIN_BYTES = 8L << 20;

  private final long maxBytes;
  private long dropped;
  private boolean started;
  private long since;

  LingeringClose(int maxRequestBytes) {
    this.maxBytes = maxBytes(maxRequestBytes);
  }

  /**
   * The most bytes dropped for a server whose requests may have {@code maxRequestBytes}: twice
   * that, at least {@link #MIN_BYTES}. A body that overshoots the limit by up to the limit
   * itself, or by a few MB, is read whole, so its client gets to read the answer; dropping that
   * much costs no more than accepting two requests. A client that sends more is cut off.
   */
  static long maxBytes(int maxRequestBytes) {
    return Math.max(MIN_BYTES, 2L * maxRequestBytes);
  }

  /** Loop: counts the bytes of {@code msg}, which the caller releases; whether the bound is passed. */
  boolean drop(Object msg) {
    if (msg instanceof ByteBuf buf) {
      dropped += buf.readableBytes();
    } else if (msg instanceof ByteBufHolder holder) {
      dropped += holder.content().readableBytes();
    }
    return dropped > maxBytes;
  }

  /**
   * Loop: writes {@code error}, the connection's last response; once it is flushed, half-closes
   * the output and reads on, from the {@code ticker}'s time then. If the write fails, closes.
   */
  void answer(ChannelHandlerContext ctx, FullHttpResponse error, Ticker ticker) {
    ctx.writeAndFlush(error).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        start(ctx, ticker.nanoTime());
      } else {
        f.channel().close();
      }
    });
  }

  /**
   * Loop: the last response went out at {@code now}; a channel that cannot half-close is closed,
   * and so is one whose client has half-closed already (there is nothing left to read).
   */
  private void start(ChannelHandlerContext ctx, long now) {
    if (!(ctx.channel() instanceof DuplexChannel duplex) || !ctx.channel().isActive() || duplex.isInputShutdown()) {
      ctx.close();
      return;
    }
    started = true;
    since = now;
    duplex.shutdownOutput().addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        f.channel().close();
      }
    });
    ctx.channel().config().setAutoRead(true);
  }

  /** Whether the response is out and the input is being dropped. */
  boolean started() {
    return started;
  }

  /** Whether this close has lingered for {@code timeoutNanos} since the response went out. */
  boolean expired(long now, long timeoutNanos) {
    return started && now - since >= timeoutNanos;
  }
}
