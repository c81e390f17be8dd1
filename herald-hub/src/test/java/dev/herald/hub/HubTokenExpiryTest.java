package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A subscriber's stream is closed when its token expires, by the hub's clock, and not before;
 * time is a {@link TestClock} moved by hand with a {@link ManualTimer}, so nothing waits on the
 * wall clock. Over real sockets, with {@link TestAuthenticator} giving each stream its {@code exp}.
 */
class HubTokenExpiryTest extends HubTestSupport {
  private static final Instant START = Instant.parse("2026-12-01T22:00:00Z");
  private static final Duration T = Duration.ofSeconds(30);

  private final TestClock clock = new TestClock(START.toEpochMilli());
  private final ManualTimer timer = new ManualTimer(clock);
  private final List<SseTestClient> clients = new ArrayList<>();
  private Hub hub;
  private URI u;

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  @BeforeEach
  void startHub() {
    HubConfig config = config().build();
    hub = Hub.start(config, new MemoryHistoryStore(config.storeLimits()), Subscription.DEFAULT_MAX_PENDING,
        new TestAuthenticator(), timer, clock);
    u = hub.uri();
  }

  @AfterEach
  void stopHub() {
    clients.forEach(SseTestClient::close);
    hub.close();
  }

  private HttpRequest request(Instant expires) {
    HttpRequest.Builder b = HttpRequest.newBuilder(u.resolve("/events?topic=chat/*")).header("Accept", "text/event-stream")
        .header(TestAuthenticator.SUBSCRIBE, "chat/*");
    if (expires != null) {
      b.header(TestAuthenticator.EXPIRES, expires.toString());
    }
    return b.GET().build();
  }

  /** A registered subscriber whose token expires at {@code expires} (null: a token without exp). */
  private SseTestClient subscribe(Instant expires) throws Exception {
    SseTestClient c = SseTestClient.open(request(expires));
    clients.add(c);
    assertThat(c.response().statusCode()).isEqualTo(200);
    c.awaitRetry();
    return c;
  }

  private double expiryCloses() {
    return hub.metrics().scrape().lines().filter(l -> l.startsWith("herald_token_expiry_closes_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
  }

  @Test
  void eachStreamIsClosedAtItsTokensExpiryAndNotBefore() throws Exception {
    SseTestClient soon = subscribe(START.plusSeconds(60));
    SseTestClient later = subscribe(START.plusSeconds(120));
    SseTestClient never = subscribe(null);

    timer.advance(Duration.ofSeconds(59).plusMillis(999));
    assertNothingElseArrives(u, "chat/a", soon, later, never); // all three still open and served

    timer.advance(Duration.ofMillis(1));
    assertThat(soon.awaitEnd()).as("closed at exp").isTrue();
    assertNothingElseArrives(u, "chat/a", later, never);
    assertThat(expiryCloses()).isEqualTo(1.0);

    timer.advance(Duration.ofSeconds(60));
    assertThat(later.awaitEnd()).isTrue();
    assertNothingElseArrives(u, "chat/a", never);
    assertThat(expiryCloses()).isEqualTo(2.0);
    assertThat(timer.pending()).isZero();
  }

  @Test
  void aTimerFiringEarlyIsSetAgainForTheRest() throws Exception {
    SseTestClient c = subscribe(START.plusSeconds(60));
    timer.fireAllEarly(); // the timer thinks it is time; the hub's clock says 60 s are left
    assertNothingElseArrives(u, "chat/a", c);
    assertThat(timer.pending()).isEqualTo(1);
    timer.advance(Duration.ofSeconds(60));
    assertThat(c.awaitEnd()).isTrue();
  }

  @Test
  void aStreamClosedBeforeItsExpiryCancelsItsTimer() throws Exception {
    SseTestClient c = subscribe(START.plusSeconds(60));
    assertThat(timer.pending()).isEqualTo(1);
    c.close();
    await().atMost(T).until(() -> timer.pending() == 0 && hub.broker().size() == 0);
    timer.advance(Duration.ofSeconds(61));
    assertThat(expiryCloses()).isZero();
  }

  @Test
  void aTokenExpiredWhenItSubscribesIs401() throws Exception {
    timer.advance(Duration.ofSeconds(10));
    HttpResponse<String> r = HubHttp.send(request(START.plusSeconds(10)));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(HubHttp.json(r).get("message").asText())
        .isEqualTo("the token has expired (exp 2026-12-01T22:00:10Z); subscribe with a fresh one");
    assertThat(r.headers().firstValue("WWW-Authenticate")).as("like every 401 of a refused token")
        .hasValue("Bearer error=\"invalid_token\"");
    assertThat(hub.broker().size()).isZero();
    HubHttp.publish(u, "chat/a", "the hub is still up");
  }
}
