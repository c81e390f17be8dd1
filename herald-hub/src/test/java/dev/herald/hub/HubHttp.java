package dev.herald.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.SseTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** Plain HTTP calls to a hub for tests: publishing (form, JSON, raw) and GETs. Stateless. */
final class HubHttp {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HubHttp() {}

  /** A form body from name/value pairs, each URL-encoded. */
  static String form(String... pairs) {
    StringJoiner j = new StringJoiner("&");
    for (int i = 0; i < pairs.length; i += 2) {
      j.add(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return j.toString();
  }

  static HttpResponse<String> postForm(URI hub, String body, String... headers) {
    return post(hub, PublishParser.FORM, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  static HttpResponse<String> postJson(URI hub, String json, String... headers) {
    return post(hub, PublishParser.JSON, json.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** POSTs {@code body} to {@code /publish}; {@code contentType} null sends none. */
  static HttpResponse<String> post(URI hub, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve("/publish")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  static HttpResponse<String> get(URI hub, String path) {
    return send(HttpRequest.newBuilder(hub.resolve(path)).GET().build());
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return SseTestClient.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    return parse(response.body());
  }

  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  /**
   * Subscribes to {@code hub} with {@code query} (e.g. {@code topic=a&topic=b}) and an optional
   * {@code Last-Event-ID} header (null for none), failing unless the hub answered 200.
   */
  static SseTestClient subscribe(URI hub, String query, String lastEventId) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve("/events?" + query)).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = SseTestClient.open(b.GET().build());
    if (c.response().statusCode() != 200) {
      c.close();
      throw new AssertionError("subscribe " + query + " answered " + c.response().statusCode());
    }
    return c;
  }

  static SseTestClient subscribe(URI hub, String query) throws IOException, InterruptedException {
    return subscribe(hub, query, null);
  }

  /** Publishes one form event and returns its id, failing unless the hub answered 200. */
  static long publish(URI hub, String topic, String data) {
    HttpResponse<String> r = postForm(hub, form("topic", topic, "data", data));
    if (r.statusCode() != 200) {
      throw new AssertionError("publish failed: " + r.statusCode() + " " + r.body());
    }
    return Long.parseLong(json(r).get("id").asText());
  }
}
