package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HubPublisher} against a scripted HTTP server on a real loopback socket: what it sends,
 * which answers it retries (after which delay, with which key) and which it throws. Backoffs wait
 * on a {@link ManualTiming}, so each test sees the exact delay chosen and runs the retry itself.
 */
class HubPublisherTest {
  private static final String SECRET = "publisher-test-secret-0123456789-abcdef";
  private final TestServer server = newServer();
  private final ManualTiming timing = new ManualTiming();

  private static TestServer newServer() {
    try {
      return new TestServer();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** An answer with {@code status}, a body and headers. */
  private static TestServer.Handler answer(int status, String contentType, String body, String... headers) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>(List.of(headers));
    all.add("Content-Type: " + contentType);
    all.add("Content-Length: " + bytes.length);
    return (request, exchange) -> exchange.write(TestServer.head(status, all.toArray(String[]::new)) + body);
  }

  private static TestServer.Handler json(int status, String body, String... headers) {
    return answer(status, "application/json", body, headers);
  }

  /** Reads the request, then closes the connection without an answer: the answer is "lost". */
  private static TestServer.Handler lostAnswer() {
    return (request, exchange) -> exchange.socket.close();
  }

  private HubPublisher.Builder herald(double jitter) {
    return HubPublisher.toHerald(server.uri("/")).timing(timing, () -> jitter);
  }

  private TestServer.Recorded nextRequest() throws InterruptedException {
    TestServer.Recorded r = server.requests.poll(30, TimeUnit.SECONDS);
    assertThat(r).as("a request within 30 s").isNotNull();
    return r;
  }

  @Test
  void aSinglePublishIsJsonToSlashPublishAndReturnsTheHubsId() throws Exception {
    server.enqueue(json(200, "{\"id\":\"42\"}"));
    HubUpdate update = HubUpdate.builder().topic("chat/room1").topic("chat/all").data("line 1\n\"quoted\" é")
        .type("message").privateUpdate(true).retry(Duration.ofSeconds(3)).build();
    PublishResult result = herald(0.5).build().publish(update);
    assertThat(result.ids()).containsExactly("42");
    assertThat(result.replayed()).isFalse();
    assertThat(result.attempts()).isEqualTo(1);
    TestServer.Recorded r = nextRequest();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.target()).isEqualTo("/publish");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Idempotency-Key")).hasSize(36);
    assertThat(r.header("Authorization")).isNull();
    assertThat(r.body()).isEqualTo("{\"topics\":[\"chat/room1\",\"chat/all\"],\"data\":\"line 1\\n\\\"quoted\\\" é\","
        + "\"event\":\"message\",\"private\":true,\"retry\":3000}");
  }

  @Test
  void aBatchIsOneJsonArrayAndReturnsTheIdsInOrder() throws Exception {
    server.enqueue(json(200, "{\"ids\":[\"3\",\"4\"]}"));
    PublishResult result = herald(0.5).build().publish(List.of(HubUpdate.of("a", "1"), HubUpdate.of("b", "2")));
    assertThat(result.ids()).containsExactly("3", "4");
    assertThat(nextRequest().body()).isEqualTo("[{\"topics\":[\"a\"],\"data\":\"1\"},{\"topics\":[\"b\"],\"data\":\"2\"}]");
  }

  @Test
  void aLostAnswerAndA503AreRetriedWithTheSameKeyAndBodyAndTheReplayIsReported() throws Exception {
    server.enqueue(lostAnswer(), json(503, "{\"status\":503,\"message\":\"store unavailable\"}"),
        json(200, "{\"id\":\"7\"}", "Idempotent-Replayed: true"));
    CompletableFuture<PublishResult> future = herald(0.5).initialBackoff(Duration.ofMillis(200)).build()
        .publishAsync(HubUpdate.of("t", "once"));
    ManualTiming.Task first = timing.nextReconnect();
    assertThat(first.delay).as("initial backoff 200 ms jittered by 0.5: 100 + 50").isEqualTo(Duration.ofMillis(150));
    assertThat(future).as("waiting for the backoff, on no thread").isNotDone();
    first.run();
    ManualTiming.Task second = timing.nextReconnect();
    assertThat(second.delay).as("doubled: 400 ms jittered").isEqualTo(Duration.ofMillis(300));
    second.run();
    PublishResult result = future.get(30, TimeUnit.SECONDS);
    assertThat(result.id()).isEqualTo("7");
    assertThat(result.replayed()).isTrue();
    assertThat(result.attempts()).isEqualTo(3);
    List<TestServer.Recorded> requests = List.of(nextRequest(), nextRequest(), nextRequest());
    assertThat(requests).extracting(r -> r.header("Idempotency-Key")).containsOnly(requests.get(0).header("Idempotency-Key"));
    assertThat(requests).extracting(TestServer.Recorded::body).containsOnly("{\"topics\":[\"t\"],\"data\":\"once\"}");
  }

  @Test
  void anAttemptWithoutAnAnswerWithinTheRequestTimeoutIsRetriedWithTheSameKey() throws Exception {
    server.enqueue(TestServer.hang()).fallback(json(200, "{\"id\":\"11\"}"));
    CompletableFuture<PublishResult> future = herald(0.5).requestTimeout(Duration.ofMillis(300)).build()
        .publishAsync(HubUpdate.of("t", "slow"));
    timing.nextReconnect().run(); // scheduled once the first attempt timed out
    PublishResult result = future.get(30, TimeUnit.SECONDS);
    assertThat(result.id()).isEqualTo("11");
    assertThat(result.attempts()).isGreaterThanOrEqualTo(2);
    String key = nextRequest().header("Idempotency-Key");
    assertThat(nextRequest().header("Idempotency-Key")).isEqualTo(key);
  }

  @Test
  void aTimedOutLastAttemptFailsWithAConnectionFailureAsItsCause() throws Exception {
    server.enqueue(TestServer.hang());
    CompletableFuture<PublishResult> future = herald(0.5).requestTimeout(Duration.ofMillis(300)).maxAttempts(1).build()
        .publishAsync(HubUpdate.of("t", "slow"));
    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).cause()
        .isInstanceOfSatisfying(HubPublishFailedException.class, e -> {
          assertThat(e.status()).isEmpty();
          assertThat(e.getCause()).isInstanceOf(ConnectionFailedException.class)
              .hasMessageContaining("no answer within the request timeout");
        });
  }

  @Test
  void eachLogicalPublishHasItsOwnKey() throws Exception {
    server.enqueue(json(200, "{\"id\":\"1\"}"), json(200, "{\"id\":\"2\"}"));
    HubPublisher publisher = herald(0.5).build();
    publisher.publish(HubUpdate.of("t", "same"));
    publisher.publish(HubUpdate.of("t", "same"));
    assertThat(nextRequest().header("Idempotency-Key")).isNotEqualTo(nextRequest().header("Idempotency-Key"));
  }

  @Test
  void backoffDoublesUpToTheMaximumThenTheRetriesAreSpentWithTheLastCause() throws Exception {
    server.fallback(json(502, "{\"message\":\"bad gateway\"}"));
    CompletableFuture<PublishResult> future = herald(0.0).initialBackoff(Duration.ofMillis(200))
        .maxBackoff(Duration.ofMillis(800)).maxAttempts(5).build().publishAsync(HubUpdate.of("t", "x"));
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ManualTiming.Task t = timing.nextReconnect();
      delays.add(t.delay);
      t.run();
    }
    assertThat(delays).as("jitter 0: half of 200, 400, 800, 800 (capped)")
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(400));
    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(HubPublishFailedException.class, e -> {
          assertThat(e.attempts()).isEqualTo(5);
          assertThat(e.status()).hasValue(502);
          assertThat(e.getCause()).isInstanceOfSatisfying(HubPublishRejectedException.class,
              c -> assertThat(c.hubMessage()).isEqualTo("bad gateway"));
        });
    assertThat(timing.scheduledReconnects()).isZero();
  }

  @Test
  void retryAfterSecondsOn429AndAnHttpDateOn503AreHonoured() throws Exception {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(timing.now().plusSeconds(42).atZone(ZoneOffset.UTC));
    server.enqueue(json(429, "{\"message\":\"slow down\"}", "Retry-After: 7"),
        json(503, "{\"message\":\"draining\"}", "Retry-After: " + date), json(200, "{\"id\":\"9\"}"));
    CompletableFuture<PublishResult> future = herald(0.5).deadline(Duration.ofMinutes(5)).build()
        .publishAsync(HubUpdate.of("t", "x"));
    ManualTiming.Task first = timing.nextReconnect();
    assertThat(first.delay).isEqualTo(Duration.ofSeconds(7));
    first.run();
    ManualTiming.Task second = timing.nextReconnect();
    assertThat(second.delay).isEqualTo(Duration.ofSeconds(42).minusNanos(timing.now().getNano()));
    second.run();
    assertThat(future.get(30, TimeUnit.SECONDS).id()).isEqualTo("9");
  }

  @Test
  void a403IsNotRetriedAndCarriesTheStatusAndTheHubsMessage() throws Exception {
    server.enqueue(json(403, "{\"status\":403,\"error\":\"Forbidden\",\"message\":\"the token may not publish to 'admin/x'\"}"));
    HubPublisher publisher = herald(0.5).bearerToken("abc.def.ghi").build();
    assertThatThrownBy(() -> publisher.publish(HubUpdate.of("admin/x", "no")))
        .isInstanceOfSatisfying(HubPublishRejectedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.status()).hasValue(403);
          assertThat(e.isAuthorizationFailure()).isTrue();
          assertThat(e.isRetryable()).isFalse();
          assertThat(e.hubMessage()).isEqualTo("the token may not publish to 'admin/x'");
        }).isInstanceOf(HeraldClientException.class);
    assertThat(nextRequest().header("Authorization")).isEqualTo("Bearer abc.def.ghi");
    assertThat(timing.scheduledReconnects()).as("no retry").isZero();
  }

  @Test
  void a400IsNotRetriedAndIsNoAuthorizationFailureButA408Is() throws Exception {
    server.enqueue(json(400, "{\"message\":\"invalid topic\"}"), json(408, "timeout"), json(200, "{\"id\":\"1\"}"));
    HubPublisher publisher = herald(0.5).build();
    assertThatThrownBy(() -> publisher.publish(HubUpdate.of("t", "x")))
        .isInstanceOfSatisfying(HubPublishRejectedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.isAuthorizationFailure()).isFalse();
          assertThat(e.hubMessage()).isEqualTo("invalid topic");
        });
    assertThat(timing.scheduledReconnects()).isZero();
    CompletableFuture<PublishResult> retried = publisher.publishAsync(HubUpdate.of("t", "y"));
    timing.nextReconnect().run();
    assertThat(retried.get(30, TimeUnit.SECONDS).attempts()).isEqualTo(2);
  }

  @Test
  void noRetryIsScheduledThatWouldStartAfterTheDeadline() throws Exception {
    server.fallback(json(503, "{\"message\":\"busy\"}"));
    CompletableFuture<PublishResult> future = herald(1.0).initialBackoff(Duration.ofSeconds(1))
        .deadline(Duration.ofSeconds(10)).maxAttempts(100).build().publishAsync(HubUpdate.of("t", "x"));
    ManualTiming.Task first = timing.nextReconnect();
    assertThat(first.delay).isEqualTo(Duration.ofSeconds(1));
    timing.advance(Duration.ofMillis(8500)); // the attempt and the wait took 8.5 s
    first.run();
    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).cause()
        .isInstanceOfSatisfying(HubPublishFailedException.class, e -> {
          assertThat(e.attempts()).isEqualTo(2);
          assertThat(e.getMessage()).contains("deadline of PT10S");
        });
    assertThat(timing.scheduledReconnects()).isZero();
  }

  @Test
  void aCancelledPublishSendsNoFurtherAttempt() throws Exception {
    server.enqueue(json(503, "{}"), json(200, "{\"id\":\"5\"}"));
    HubPublisher publisher = herald(0.5).build();
    CompletableFuture<PublishResult> future = publisher.publishAsync(HubUpdate.of("t", "cancelled"));
    ManualTiming.Task retry = timing.nextReconnect();
    future.cancel(false);
    retry.run();
    assertThat(publisher.publish(HubUpdate.of("t", "marker")).id()).isEqualTo("5");
    assertThat(nextRequest().body()).contains("cancelled");
    assertThat(nextRequest().body()).as("the next request is the marker, not a retry").contains("marker");
  }

  @Test
  void aMercurePublishIsTheFormAndTheAnswerIsTheIdAsText() throws Exception {
    server.enqueue(answer(200, "text/plain", "urn:uuid:1234"));
    HubPublisher publisher = HubPublisher.toMercure(server.uri("/.well-known/mercure")).timing(timing, () -> 0.5).build();
    HubUpdate update = HubUpdate.builder().topic("https://example.com/books/1").topic("a b").data("x&y=z")
        .privateUpdate(true).id("my-id").type("update").retry(Duration.ofMillis(1500)).build();
    PublishResult result = publisher.publish(update);
    assertThat(result.id()).isEqualTo("urn:uuid:1234");
    TestServer.Recorded r = nextRequest();
    assertThat(r.target()).isEqualTo("/.well-known/mercure");
    assertThat(r.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(r.header("Idempotency-Key")).isNotBlank();
    assertThat(r.body()).isEqualTo("topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&topic=a+b&data=x%26y%3Dz"
        + "&private=on&id=my-id&type=update&retry=1500");
  }

  @Test
  void aMercureBatchAndAHeraldIdAreRefusedBeforeAnythingIsSent() throws Exception {
    HubPublisher mercure = HubPublisher.toMercure(server.uri("/.well-known/mercure")).build();
    assertThatThrownBy(() -> mercure.publish(List.of(HubUpdate.of("a", "1"), HubUpdate.of("b", "2"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one update per request");
    HubPublisher herald = HubPublisher.toHerald(server.uri("/")).build();
    assertThatThrownBy(() -> herald.publish(HubUpdate.builder().topic("a").id("x").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("assigns ids itself");
    server.enqueue(json(200, "{\"id\":\"1\"}"));
    herald.publish(HubUpdate.of("marker", "m"));
    assertThat(nextRequest().body()).as("the first request to arrive is the marker").contains("marker");
  }

  @Test
  void aMintedTokenIsAnHs256JwtWithThePublishClaimAndIsRenewedAfterHalfItsLifetime() throws Exception {
    server.fallback(json(200, "{\"id\":\"1\"}"));
    HubPublisher publisher = herald(0.5).hmacKey(SECRET).tokenTopics(List.of("chat/*")).tokenTtl(Duration.ofMinutes(10))
        .tokenIssuer("me").build();
    publisher.publish(HubUpdate.of("chat/a", "1"));
    publisher.publish(HubUpdate.of("chat/a", "2"));
    timing.advance(Duration.ofMinutes(5));
    publisher.publish(HubUpdate.of("chat/a", "3"));
    String first = bearer(nextRequest());
    assertThat(bearer(nextRequest())).as("reused within half the lifetime").isEqualTo(first);
    String renewed = bearer(nextRequest());
    assertThat(renewed).isNotEqualTo(first);
    for (String token : List.of(first, renewed)) {
      String[] parts = token.split("\\.");
      assertThat(parts).hasSize(3);
      assertThat(decode(parts[0])).isEqualTo("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      assertThat(parts[2]).isEqualTo(Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII))));
    }
    long iat = timing.now().minus(Duration.ofMinutes(5)).getEpochSecond();
    assertThat(decode(first.split("\\.")[1]))
        .isEqualTo("{\"mercure\":{\"publish\":[\"chat/*\"]},\"iat\":" + iat + ",\"exp\":" + (iat + 600) + ",\"iss\":\"me\"}");
    assertThat(decode(renewed.split("\\.")[1])).contains("\"iat\":" + (iat + 300) + ",");
  }

  private static String bearer(TestServer.Recorded r) {
    String header = r.header("Authorization");
    assertThat(header).startsWith("Bearer ");
    return header.substring("Bearer ".length());
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }
}
