package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.TokenHub.Place;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests to a hub's Mercure URL, {@code /.well-known/mercure}, as Mercure clients make them:
 * form publishes and {@code EventSource}-style subscribes, a token in one of its three places.
 * Closes the streams it opened in {@link #close()}.
 */
final class MercureHttp implements AutoCloseable {
  static final String PATH = "/.well-known/mercure";

  private final URI hub;
  private final List<SseTestClient> clients = new ArrayList<>();

  MercureHttp(URI hub) {
    this.hub = hub;
  }

  /** A GET of the Mercure URL with {@code query}, {@code token} (null: none) in {@code place}, extra headers. */
  HttpRequest subscribeRequest(String query, String token, Place place, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder().header("Accept", "text/event-stream");
    String q = query;
    if (token != null) {
      switch (place) {
        case HEADER:
          b.header("Authorization", "Bearer " + token);
          break;
        case QUERY:
          q += "&authorization=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
          break;
        default:
          b.header("Cookie", AuthConfig.DEFAULT_COOKIE_NAME + "=" + token);
      }
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.uri(hub.resolve(PATH + "?" + q)).GET().build();
  }

  /** A stream the hub accepted and registered (its retry hint arrived). */
  SseTestClient subscribe(HttpRequest request) throws Exception {
    SseTestClient c = SseTestClient.open(request);
    clients.add(c);
    assertThat(c.response().statusCode()).as("subscribe %s", request.uri()).isEqualTo(200);
    c.awaitRetry();
    return c;
  }

  SseTestClient subscribe(String query, String token, String... headers) throws Exception {
    return subscribe(subscribeRequest(query, token, Place.HEADER, headers));
  }

  /** POSTs the form {@code pairs} (name, value, …) with {@code token} in the Authorization header (null: none). */
  HttpResponse<String> publish(String token, String... pairs) {
    return HubHttp.send(publishRequest(HubHttp.form(pairs), token == null ? new String[0]
        : new String[] {"Authorization", "Bearer " + token}));
  }

  HttpRequest publishRequest(String form, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve(PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  /** Publishes and returns the id the hub answered in its {@code text/plain} body, failing unless 200. */
  String published(String token, String... pairs) {
    HttpResponse<String> r = publish(token, pairs);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return r.body();
  }

  @Override
  public void close() {
    clients.forEach(SseTestClient::close);
  }
}
