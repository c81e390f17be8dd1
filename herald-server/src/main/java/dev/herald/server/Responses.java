package dev.herald.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;

/** Turns {@link Response}s and errors into Netty responses. Stateless. */
final class Responses {
  private Responses() {}

  /** A JSON error response; {@code keepAlive} false adds {@code Connection: close}. */
  static FullHttpResponse error(int status, String message, boolean keepAlive) {
    boolean bodyless = status == 204 || status == 304;
    byte[] body = bodyless ? new byte[0] : Json.error(status, message);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    if (!bodyless) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, Response.JSON);
    }
    finish(res.headers(), body.length, keepAlive);
    return res;
  }

  /** The JSON error answer of {@code e}: its status and message, plus its extra headers. */
  static FullHttpResponse error(HttpException e, boolean keepAlive) {
    FullHttpResponse res = error(e.status(), e.getMessage(), keepAlive);
    e.headers().forEach(res.headers()::set);
    return res;
  }

  /** The Netty form of {@code response}, a {@link Response#json} value written by {@code json}. */
  static FullHttpResponse of(Response response, boolean keepAlive, JsonCodec json) {
    byte[] body = response.bodyUnsafe(json);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(body));
    for (Map.Entry<String, List<String>> e : response.headers().entrySet()) {
      res.headers().add(e.getKey(), e.getValue());
    }
    finish(res.headers(), body.length, keepAlive);
    return res;
  }

  /** Whether a handler's response carries {@code Connection: close}: the server then closes after it. */
  static boolean asksToClose(Response response) {
    for (Map.Entry<String, List<String>> e : response.headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase("Connection")) {
        for (String value : e.getValue()) {
          for (String token : value.split(",")) {
            if (token.trim().equalsIgnoreCase("close")) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  private static void finish(HttpHeaders headers, int length, boolean keepAlive) {
    headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    headers.set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
  }
}
