package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis down and back: a hung Redis gets publishes a 503 once the store's timeout passes instead
 * of a hang, and {@code /readyz} 503; after a
 * crash and restart with AOF, every node resumes tailing after the last entry it delivered, so
 * subscribers that stayed connected get what is published after recovery with no gap and no
 * duplicate, and nothing acknowledged before the crash is lost.
 */
class RedisOutageTest {
  @TempDir Path dir;
  RedisServer redis;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  RedisServer redis(String... args) throws Exception {
    redis = RedisFixture.start(args);
    open.add(0, redis); // closed last
    return redis;
  }

  @Test
  void aHungRedisAnswersPublishes503AfterTheStoreTimeoutAndTheHubRecovers() throws Exception {
    redis();
    Hub a = node("a");
    publish(a, "before");
    redis.pause(); // connections stay open, nothing answers: only the timeout ends the wait
    try {
      HttpResponse<String> r = post(a, "hung");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.body()).contains("unavailable");
      assertThat(status(a, "/readyz")).isEqualTo(503);
    } finally {
      redis.resume();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> status(a, "/readyz") == 200);
    publish(a, "after");
  }

  @Test
  void afterARedisCrashAndRestartWithAofNodesResumeTailingWithNoGapNoDuplicate() throws Exception {
    redis("--appendonly", "yes", "--appendfsync", "always");
    Hub a = node("a");
    Hub b = node("b");
    SseTestClient onB = subscribe(b, null);
    SseTestClient onA = subscribe(a, null);
    String id1 = publish(a, "one");
    assertThat(onB.next().lastEventId()).isEqualTo(id1);
    assertThat(onA.next().lastEventId()).isEqualTo(id1);

    redis.kill();
    HttpResponse<String> refused = post(a, "lost");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(b, "/readyz") == 503);

    redis.restart();
    await().atMost(Duration.ofSeconds(30)).until(() -> status(a, "/readyz") == 200 && status(b, "/readyz") == 200);
    String id2 = publish(a, "two");
    String id3 = publish(b, "three");
    for (SseTestClient c : List.of(onA, onB)) {
      List<MessageEvent> got = c.next(2);
      assertThat(got).extracting(MessageEvent::data).as("the same streams, no gap, no repeat").containsExactly("two", "three");
      assertThat(got).extracting(MessageEvent::lastEventId).containsExactly(id2, id3);
    }
    SseTestClient fromStart = subscribe(b, "earliest");
    assertThat(fromStart.next(3)).extracting(MessageEvent::data).as("nothing acknowledged was lost")
        .containsExactly("one", "two", "three");
  }

  Hub node(String name) {
    Hub hub = Hub.start(HubConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve(name))
        .heartbeat(Duration.ofMillis(200)).store(StoreKind.REDIS).redisUrl(redis.url()).build());
    open.add(hub);
    return hub;
  }

  SseTestClient subscribe(Hub hub, String lastEventId) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(hub.uri().resolve("/events?topic=t")).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      req.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = SseTestClient.open(req.GET().build());
    open.add(c);
    assertThat(c.response().statusCode()).isEqualTo(200);
    return c;
  }

  static HttpResponse<String> post(Hub hub, String data) throws Exception {
    return SseTestClient.HTTP.send(HttpRequest.newBuilder(hub.uri().resolve("/publish"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .timeout(Duration.ofSeconds(60)) // the hub answers within its store's timeout; this only stops a hung test
        .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=" + URLEncoder.encode(data, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static String publish(Hub hub, String data) throws Exception {
    HttpResponse<String> r = post(hub, data);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return RedisClusterTest.JSON.readTree(r.body()).get("id").asText();
  }

  static int status(Hub hub, String path) throws Exception {
    return SseTestClient.HTTP.send(HttpRequest.newBuilder(hub.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
