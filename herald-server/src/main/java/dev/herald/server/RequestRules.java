package dev.herald.server;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The RFC 9112 rules for a request head that Netty's decoder leaves to the server: only HTTP/1.x
 * ({@code 505} otherwise), exactly one {@code Host} in HTTP/1.1, and unambiguous body framing
 * (no {@code Transfer-Encoding} but a single {@code chunked}, never together with
 * {@code Content-Length}, never on HTTP/1.0; one {@code Content-Length} value). A request that
 * breaks one is answered with the status and message of its {@link Violation} and the connection
 * is closed: when the framing is in doubt, so is where the next request would start. Stateless.
 */
final class RequestRules {
  private static final String CHUNKED = "chunked";

  private RequestRules() {}

  /** What is wrong with a request: the status to answer and a message naming the problem. */
  record Violation(int status, String message) {}

  /** The violation of a head the decoder could not parse ({@code request} has what it did parse). */
  static Violation malformed(HttpRequest request, Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new Violation(414, "Malformed request: " + cause.getMessage());
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new Violation(431, "Malformed request: " + cause.getMessage());
    }
    if (cause instanceof TooLongFrameException) {
      return new Violation(413, "Malformed request: " + cause.getMessage());
    }
    // the decoder refuses some framing itself (Transfer-Encoding with Content-Length or on
    // HTTP/1.0, several Content-Length values) with the headers read so far: name it like below
    Violation framing = framing(request);
    if (framing != null) {
      return framing;
    }
    String message = String.valueOf(cause.getMessage());
    if (message.contains("possibly HTTP/0.9")) {
      return new Violation(505, "A request line with no HTTP version (HTTP/0.9) is not supported; use HTTP/1.1");
    }
    return new Violation(400, "Malformed request: " + message);
  }

  /** The first rule a decoded head breaks, or null if it keeps them all. */
  static Violation check(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    if (!"HTTP".equals(version.protocolName()) || version.majorVersion() != 1) {
      return new Violation(505, "HTTP version " + version.text() + " is not supported; use HTTP/1.1");
    }
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return new Violation(400, "A request must not have more than one Host header");
    }
    if (hosts.isEmpty() && version.minorVersion() >= 1) {
      return new Violation(400, "An HTTP/1.1 request needs a Host header");
    }
    return framing(request);
  }

  /** The framing rule {@code request} breaks, or null. */
  private static Violation framing(HttpRequest request) {
    HttpHeaders headers = request.headers();
    List<String> lengths = elements(headers.getAll(HttpHeaderNames.CONTENT_LENGTH));
    List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!te.isEmpty()) {
      String named = "Transfer-Encoding: " + String.join(", ", te);
      if (request.protocolVersion().minorVersion() < 1) {
        return new Violation(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request (" + named + ")");
      }
      List<String> codings = elements(te);
      List<String> lower = new ArrayList<>(codings.size());
      codings.forEach(c -> lower.add(c.toLowerCase(Locale.ROOT)));
      if (lower.isEmpty() || !lower.get(lower.size() - 1).equals(CHUNKED)) {
        return new Violation(400, "The final transfer coding must be chunked: " + named);
      }
      if (lower.indexOf(CHUNKED) != lower.size() - 1) {
        return new Violation(400, "Transfer-Encoding lists chunked more than once: " + named);
      }
      if (!lengths.isEmpty() || headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        return new Violation(400, "A request must not have both Transfer-Encoding and Content-Length");
      }
      if (lower.size() > 1) {
        return new Violation(501, "Transfer coding " + codings.get(0) + " is not supported; send the body with "
            + "Transfer-Encoding: chunked alone");
      }
    }
    if (lengths.size() > 1) {
      return new Violation(400, "A request must have at most one Content-Length value: "
          + String.join(", ", lengths));
    }
    return null;
  }

  /** The non-empty elements of comma-separated header values, trimmed. */
  private static List<String> elements(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      for (String element : value.split(",", -1)) {
        String e = element.trim();
        if (!e.isEmpty()) {
          out.add(e);
        }
      }
    }
    return out;
  }
}
