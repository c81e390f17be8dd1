package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hub started as a user's configuration would start it — an {@link AuthConfig} through
 * {@link AuthSetup} and {@link Hub#start(HubConfig, AuthSetup, java.time.Clock, TokenExpiry.Timer)},
 * so the real {@link JwtAuthenticator} verifies every token — with one {@link TestClock} for the
 * verifiers and token expiry and a {@link ManualTimer}; plus the calls tests make to it with real
 * JWTs in each of the three places a token may come in. Closes its hub and streams in
 * {@link #close()}.
 */
final class TokenHub implements AutoCloseable {
  static final Duration T = Duration.ofSeconds(30);

  /** Where a request carries its token, with the source name the hub's messages use. */
  enum Place {
    HEADER("Authorization header"), QUERY("authorization query parameter"), COOKIE("mercureAuthorization cookie");

    final String source;

    Place(String source) {
      this.source = source;
    }
  }

  final TestClock clock;
  final ManualTimer timer;
  final Hub hub;
  final URI uri;
  private final String publisherToken;
  private final List<SseTestClient> clients = new ArrayList<>();

  /** Starts a memory-store hub with {@code auth} at {@code clock}; {@code publisherToken} publishes. */
  TokenHub(AuthConfig auth, TestClock clock, String publisherToken) {
    this(HubConfig.builder().port(0).store(StoreKind.MEMORY).retry(Duration.ofSeconds(5)).auth(auth).build(), clock,
        publisherToken);
  }

  /** Starts a hub with {@code config} (its own port, store and auth) at {@code clock}. */
  TokenHub(HubConfig config, TestClock clock, String publisherToken) {
    this.clock = clock;
    this.timer = new ManualTimer(clock);
    this.publisherToken = publisherToken;
    AuthSetup setup = AuthSetup.of(config, Map.of());
    assertThat(setup.problems).isEmpty();
    this.hub = Hub.start(config, setup, clock, timer);
    this.uri = hub.uri();
  }

  /** A GET of {@code /events?query} with {@code token} (null: none) in {@code place} and an optional Last-Event-ID. */
  HttpRequest events(String query, String token, Place place, String lastEventId) {
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
          b.header("Cookie", "theme=dark; " + AuthConfig.DEFAULT_COOKIE_NAME + "=" + token);
      }
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return b.uri(uri.resolve("/events?" + q)).GET().build();
  }

  /** A stream the hub accepted and registered (its retry hint arrived); closed with the hub. */
  SseTestClient subscribe(HttpRequest request) throws Exception {
    SseTestClient c = SseTestClient.open(request);
    clients.add(c);
    assertThat(c.response().statusCode()).as("subscribe %s", request.uri()).isEqualTo(200);
    c.awaitRetry();
    return c;
  }

  SseTestClient subscribe(String query, String token, Place place, String lastEventId) throws Exception {
    return subscribe(events(query, token, place, lastEventId));
  }

  /** Sends a subscribe that the hub must refuse, and returns its answer (status, headers, JSON body). */
  HttpResponse<String> refused(HttpRequest request) {
    HttpResponse<String> r = HubHttp.send(request);
    assertThat(r.statusCode()).as("%s: %s", request.uri(), r.body()).isNotEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
        "application/json"));
    return r;
  }

  /** Publishes one form event with the publisher's token; returns its id. */
  long publish(String topic, String data, boolean isPrivate) {
    String form = isPrivate ? HubHttp.form("topic", topic, "data", data, "private", "on")
        : HubHttp.form("topic", topic, "data", data);
    HttpResponse<String> r = HubHttp.postForm(uri, form, "Authorization", "Bearer " + publisherToken);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Long.parseLong(HubHttp.json(r).get("id").asText());
  }

  /** The next events of {@code c} up to and including the one with data {@code marker}, as data. */
  static List<String> dataThrough(SseTestClient c, String marker) throws InterruptedException {
    List<String> got = new ArrayList<>();
    while (got.isEmpty() || !got.get(got.size() - 1).equals(marker)) {
      MessageEvent e = c.next(T).orElseThrow(() -> new AssertionError("no event after " + got));
      got.add(e.data());
    }
    return got;
  }

  /** A metric's value from {@code /metrics} text (the first line of that name). */
  double metric(String name) {
    return hub.metrics().scrape().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    clients.forEach(SseTestClient::close);
    hub.close();
  }
}
