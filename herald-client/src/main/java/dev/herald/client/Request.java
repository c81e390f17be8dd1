package dev.herald.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * One request of a source, as data: what every reconnect sends again, plus the
 * {@code Last-Event-ID} of this attempt ({@code ""} for none). Immutable.
 */
final class Request {
  final String method;
  final URI uri;
  /** Name and value pairs, including the defaulted {@code Accept} and {@code Cache-Control}. */
  final List<String[]> headers;
  /** The body, or null for none. */
  final byte[] body;
  final String lastEventId;

  Request(String method, URI uri, List<String[]> headers, byte[] body, String lastEventId) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
    this.lastEventId = lastEventId;
  }

  /**
   * Whether the JDK client can put this request on the wire unchanged. JDK 17 writes HTTP/1.1
   * header values as US-ASCII (a char from U+0080 to U+00FF becomes {@code ?}) and refuses
   * control chars and chars above U+00FF, while a browser sends an id's UTF-8 bytes as they are.
   */
  boolean jdkCanEncode() {
    return isVisibleAscii(lastEventId);
  }

  static boolean isVisibleAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** The request for the JDK client; throws {@link IllegalArgumentException} for a value it refuses. */
  HttpRequest toHttpRequest() {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      request.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance on a long-lived stream
    }
    for (String[] header : wireHeaders()) {
      request.header(header[0], header[1]);
    }
    return request.build();
  }

  /** The headers as sent: {@link #headers}, then {@code Last-Event-ID} when there is one. */
  List<String[]> wireHeaders() {
    if (lastEventId.isEmpty()) {
      return headers;
    }
    List<String[]> all = new ArrayList<>(headers);
    all.add(new String[] {"Last-Event-ID", lastEventId});
    return all;
  }
}
