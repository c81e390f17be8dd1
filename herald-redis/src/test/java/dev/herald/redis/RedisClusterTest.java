package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.core.MessageEvent;
import dev.herald.hub.Hub;
import dev.herald.hub.HubConfig;
import dev.herald.hub.StoreKind;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseTestClient;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several hubs in one JVM sharing one real Redis through {@code --store redis} (the provider
 * found on the class path, as {@code herald serve} finds it): what one node accepts every node
 * delivers, a client resumes on another node with the id it got from the first, a retried
 * publish is deduplicated on another node, and a publish with Redis gone answers 503.
 */
class RedisClusterTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  RedisServer redis;
  final List<Hub> hubs = new ArrayList<>();
  final List<SseTestClient> clients = new ArrayList<>();

  @BeforeEach
  void startRedis() throws Exception {
    redis = RedisFixture.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    clients.forEach(SseTestClient::close);
    hubs.forEach(Hub::close);
    if (redis != null) {
      redis.close();
    }
  }

  Hub node(String name) {
    Hub hub = Hub.start(HubConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve(name))
        .store(StoreKind.REDIS).redisUrl(redis.url() + "/0").build());
    hubs.add(hub);
    return hub;
  }

  SseTestClient subscribe(Hub hub, String topic, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.uri().resolve("/events?topic="
        + URLEncoder.encode(topic, StandardCharsets.UTF_8))).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = SseTestClient.open(b.GET().build());
    clients.add(c);
    assertThat(c.response().statusCode()).isEqualTo(200);
    return c;
  }

  static HttpResponse<String> post(Hub hub, String topic, String data, String idempotencyKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.uri().resolve("/publish"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "&data="
            + URLEncoder.encode(data, StandardCharsets.UTF_8)));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return SseTestClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Publishes on {@code hub} and returns the id it answered (200 required). */
  static String publish(Hub hub, String topic, String data) throws Exception {
    HttpResponse<String> r = post(hub, topic, data, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("id").asText();
  }

  @Test
  void whatOneNodeAcceptsEveryNodeDeliversWithTheEntryIdAsEventId() throws Exception {
    Hub a = node("a");
    Hub b = node("b");
    SseTestClient onA = subscribe(a, "chat/*", null);
    SseTestClient onB = subscribe(b, "chat/*", null);
    String id1 = publish(a, "chat/room1", "from a");
    String id2 = publish(b, "chat/room2", "from b");
    assertThat(id1).matches("\\d+-\\d+");
    assertThat(RedisIds.positionOf(id2)).isGreaterThan(RedisIds.positionOf(id1));
    for (SseTestClient c : List.of(onA, onB)) {
      List<MessageEvent> got = c.next(2);
      assertThat(got).extracting(MessageEvent::data).containsExactly("from a", "from b");
      assertThat(got).extracting(MessageEvent::lastEventId).containsExactly(id1, id2);
    }
  }

  @Test
  void aClientResumesOnAnotherNodeWithTheIdTheFirstGaveIt() throws Exception {
    Hub a = node("a");
    Hub b = node("b");
    SseTestClient first = subscribe(a, "news", null);
    String id1 = publish(a, "news", "one");
    assertThat(first.next().lastEventId()).isEqualTo(id1);
    first.close();
    String id2 = publish(a, "news", "two");
    String id3 = publish(a, "news", "three");
    SseTestClient resumed = subscribe(b, "news", id1);
    List<MessageEvent> got = resumed.next(2);
    assertThat(got).extracting(MessageEvent::data).containsExactly("two", "three");
    assertThat(got).extracting(MessageEvent::lastEventId).containsExactly(id2, id3);
    String id4 = publish(b, "news", "four (live)");
    MessageEvent live = resumed.next();
    assertThat(live.lastEventId()).as("no gap event, no repeat: the next is the live one").isEqualTo(id4);
  }

  @Test
  void aRetriedPublishIsDeduplicatedOnAnotherNode() throws Exception {
    Hub a = node("a");
    Hub b = node("b");
    SseTestClient sub = subscribe(b, "orders", null);
    HttpResponse<String> first = post(a, "orders", "order 17", "key-17");
    HttpResponse<String> retry = post(b, "orders", "order 17", "key-17");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    JsonNode f = JSON.readTree(first.body());
    assertThat(JSON.readTree(retry.body()).get("id")).isEqualTo(f.get("id"));
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    String marker = publish(a, "orders", "marker");
    assertThat(sub.next(2)).extracting(MessageEvent::lastEventId).containsExactly(f.get("id").asText(), marker);
  }

  @Test
  void aGapNamesTheOldestRetainedEventByItsEntryIdOnAnyNode() throws Exception {
    Hub a = Hub.start(HubConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("a"))
        .store(StoreKind.REDIS).redisUrl(redis.url() + "/0").retentionEvents(3).build());
    hubs.add(a);
    Hub b = node("b");
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 10; i++) { // the append trims by count at twice the limit: some are gone
      ids.add(publish(a, "t", "e" + i));
    }
    SseTestClient behind = subscribe(b, "t", ids.get(0));
    MessageEvent gap = behind.next();
    assertThat(gap.event()).isEqualTo("herald-gap");
    JsonNode data = JSON.readTree(gap.data());
    assertThat(data.get("reason").asText()).isEqualTo("trimmed");
    MessageEvent oldest = behind.next(); // every event is on topic t: the first replayed is the oldest kept
    assertThat(ids.indexOf(oldest.lastEventId())).as("some events were trimmed").isGreaterThan(1);
    assertThat(data.get("oldestAvailable").asText()).as("an id clients see, not a position").isEqualTo(oldest.lastEventId());
  }

  @Test
  void theRedisTimeoutOptionBoundsWhatAHungRedisCosts() throws Exception {
    Hub a = Hub.start(HubConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("a"))
        .store(StoreKind.REDIS).redisUrl(redis.url() + "/0").redisTimeout(java.time.Duration.ofMillis(300)).build());
    hubs.add(a);
    publish(a, "t", "stored");
    redis.pause(); // SIGSTOP: the socket accepts, nothing answers
    try {
      HttpResponse<String> ready = SseTestClient.HTTP.send(HttpRequest.newBuilder(a.uri().resolve("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("did not answer PING within 300 ms");
      HttpResponse<String> r = post(a, "t", "maybe", null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    } finally {
      redis.resume();
    }
  }

  static String hs256(String secret, java.util.Map<String, Object> mercure) throws Exception {
    com.nimbusds.jwt.JWTClaimsSet claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().claim("mercure", mercure)
        .expirationTime(new java.util.Date(System.currentTimeMillis() + 3_600_000)).build();
    com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
        new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims);
    jwt.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  @Test
  void privateUpdatesPublishedOnOneNodeReachOnlyAuthorizedSubscribersOnAnother() throws Exception {
    String secret = "a-cluster-wide-secret-of-32-bytes-or-more!";
    List<Hub> two = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      Hub hub = Hub.start(HubConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve(name))
          .store(StoreKind.REDIS).redisUrl(redis.url() + "/0")
          .auth(dev.herald.hub.AuthConfig.builder().jwtKey(secret).anonymous(true).build()).build());
      hubs.add(hub);
      two.add(hub);
    }
    String publisher = hs256(secret, java.util.Map.of("publish", List.of("*")));
    String reader = hs256(secret, java.util.Map.of("subscribe", List.of("users/ann/{+rest}")));
    SseTestClient allowed = SseTestClient.open(HttpRequest.newBuilder(two.get(1).uri().resolve("/events?topic=users/ann/*"))
        .header("Authorization", "Bearer " + reader).GET().build());
    SseTestClient anonymous = subscribe(two.get(1), "users/ann/*", null);
    clients.add(allowed);
    assertThat(allowed.response().statusCode()).isEqualTo(200);
    HttpResponse<String> secretOne = SseTestClient.HTTP.send(HttpRequest.newBuilder(two.get(0).uri().resolve("/publish"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer " + publisher)
        .POST(HttpRequest.BodyPublishers.ofString("topic=users/ann/inbox&data=for+ann&private=true")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(secretOne.statusCode()).as(secretOne.body()).isEqualTo(200);
    HttpResponse<String> marker = SseTestClient.HTTP.send(HttpRequest.newBuilder(two.get(0).uri().resolve("/publish"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer " + publisher)
        .POST(HttpRequest.BodyPublishers.ofString("topic=users/ann/public&data=marker")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(marker.statusCode()).as(marker.body()).isEqualTo(200);
    assertThat(allowed.next(2)).extracting(MessageEvent::data).containsExactly("for ann", "marker");
    assertThat(anonymous.next().data()).as("the anonymous subscriber gets the public marker, not the private one")
        .isEqualTo("marker");
  }

  static HttpResponse<String> mercurePost(Hub hub, String form) throws Exception {
    return SseTestClient.HTTP.send(HttpRequest.newBuilder(hub.uri().resolve("/.well-known/mercure"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theMercureEndpointWorksAcrossNodesWithPublisherChosenIds() throws Exception {
    Hub a = node("a");
    Hub b = node("b");
    String topic = URLEncoder.encode("https://example.com/books/1", StandardCharsets.UTF_8);
    HttpResponse<String> first = mercurePost(a, "topic=" + topic + "&data=one&id=urn%3Auuid%3Aone");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("urn:uuid:one");
    HttpResponse<String> duplicate = mercurePost(b, "topic=" + topic + "&data=again&id=urn%3Auuid%3Aone");
    assertThat(duplicate.statusCode()).as("a taken id is refused on every node: " + duplicate.body()).isEqualTo(409);
    HttpResponse<String> second = mercurePost(a, "topic=" + topic + "&data=two&type=book");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    SseTestClient resumed = SseTestClient.open(HttpRequest.newBuilder(b.uri().resolve("/.well-known/mercure?topic="
        + URLEncoder.encode("https://example.com/books/{id}", StandardCharsets.UTF_8)))
        .header("Last-Event-ID", "urn:uuid:one").GET().build());
    clients.add(resumed);
    assertThat(resumed.response().statusCode()).isEqualTo(200);
    assertThat(resumed.response().headers().firstValue("Last-Event-ID")).hasValue("urn:uuid:one");
    MessageEvent got = resumed.next();
    assertThat(got.lastEventId()).isEqualTo(second.body());
    assertThat(got.event()).isEqualTo("book");
    assertThat(got.data()).isEqualTo("two");
    String marker = publish(b, "https://example.com/books/2", "marker");
    assertThat(resumed.next().lastEventId()).as("nothing else, the next is the marker").isEqualTo(marker);
  }

  @Test
  void withRedisGoneAPublishAnswers503AndReadyzTurns503() throws Exception {
    Hub a = node("a");
    assertThat(SseTestClient.HTTP.send(HttpRequest.newBuilder(a.uri().resolve("/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    publish(a, "t", "stored");
    redis.kill();
    HttpResponse<String> r = post(a, "t", "not stored", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(r.body()).contains("unavailable");
    HttpResponse<String> ready = SseTestClient.HTTP.send(HttpRequest.newBuilder(a.uri().resolve("/readyz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("unavailable");
    assertThat(SseTestClient.HTTP.send(HttpRequest.newBuilder(a.uri().resolve("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).as("the hub stays up").isEqualTo(200);
  }

}
