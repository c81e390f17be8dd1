package dev.herald.server;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import dev.herald.server.RequestRules.Violation;
import java.io.ByteArrayOutputStream;

/**
 * Puts one request at a time together from the HTTP decoder's messages: checks its head
 * ({@link RequestRules}, the declared body length against the limit, {@code Expect}), gathers its
 * body up to the limit and hands back the head and body once the last part has arrived, or the
 * refusal ({@link Violation}, a {@code 4xx}) that ends the connection. Queueing, answering and
 * closing are left to {@link HttpServerHandler}, whose event loop is the only thread that calls
 * this.
 */
final class RequestAssembly {
  /** A whole request: its head and its body (empty if it had none). */
  record Complete(HttpRequest head, byte[] body) {}

  private final int maxRequestBytes;
  private final int maxHeaderBytes;
  private HttpRequest head;
  private ByteArrayOutputStream body;

  RequestAssembly(int maxRequestBytes, int maxHeaderBytes) {
    this.maxRequestBytes = maxRequestBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /** Loop: whether a head was accepted and its body is being read. */
  boolean reading() {
    return head != null;
  }

  /** Loop: drops the request read so far, if any. */
  void reset() {
    head = null;
    body = null;
  }

  /**
   * Loop: a new request head; null if it is accepted (its body follows; an {@code Expect} left on
   * it is {@code 100-continue}), else why it is refused.
   */
  Violation head(HttpRequest request) {
    if (request.decoderResult().cause() instanceof TooLongHttpHeaderException) {
      return new Violation(431, "Request header fields too large: together they may have at most " + maxHeaderBytes
          + " bytes");
    }
    Violation violation = request.decoderResult().isFailure()
        ? RequestRules.malformed(request, request.decoderResult().cause())
        : RequestRules.check(request);
    if (violation != null) {
      return violation;
    }
    long length = HttpUtil.getContentLength(request, -1L);
    if (length > maxRequestBytes) {
      return new Violation(413, "Request body of " + length + " bytes exceeds the limit of " + maxRequestBytes);
    }
    String expect = request.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
      return new Violation(417, "Unsupported Expect: " + expect);
    }
    head = request;
    body = null;
    return null;
  }

  /**
   * Loop: a part of the body of the accepted head; null while more is to come, a
   * {@link Complete} request after the last part, or a {@link Violation} (refused).
   */
  Object content(HttpContent content) {
    if (content.decoderResult().isFailure()) { // e.g. a malformed chunk: the body is cut short
      return new Violation(400, "Malformed request body: " + content.decoderResult().cause().getMessage());
    }
    int n = content.content().readableBytes();
    if (n > 0) {
      if (body == null) {
        body = new ByteArrayOutputStream(Math.min(n, maxRequestBytes));
      }
      if (body.size() + (long) n > maxRequestBytes) {
        return new Violation(413, "Request body exceeds the limit of " + maxRequestBytes + " bytes");
      }
      body.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(content.content()));
    }
    if (content instanceof LastHttpContent) {
      HttpRequest request = head;
      byte[] bytes = body == null ? new byte[0] : body.toByteArray();
      reset();
      return new Complete(request, bytes);
    }
    return null;
  }
}
