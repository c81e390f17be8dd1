package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis down under load, behind nginx with three hub processes: first hung (SIGSTOP), then
 * crashed (SIGKILL) and restarted on the same directory with {@code appendonly yes appendfsync
 * always}. While it is down a publish answers 503 saying the store is unavailable (after the
 * store's timeout when Redis hangs; never a 200), every node's {@code /readyz} is 503, and
 * subscribers stay connected (heartbeats keep coming, no reconnect). After recovery every event
 * acknowledged before, and every one published after, reaches every subscriber once, in order,
 * with no gap, and nothing acknowledged is lost.
 */
class ClusterRedisOutageTest {
  static final int SUBSCRIBERS = 30;

  @TempDir Path dir;
  Cluster cluster;
  Publisher load;

  @AfterEach
  void stop() throws Exception {
    if (load != null) {
      load.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void redisHungThenCrashedAndRestartedWithAofUnderLoad() throws Exception {
    cluster = Cluster.start(dir, 3, List.of("--appendonly", "yes", "--appendfsync", "always"), "--heartbeat", "300ms");
    List<LightSubscriber> subs = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      subs.add(cluster.subscribe("load", "earliest", "sub-" + i));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(s -> s.connections() == 1));
    load = new Publisher(cluster.front(), "load", "p", 1_000_000);
    await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged() >= 20);
    List<String> probeIds = new ArrayList<>();

    // 1. hung: connections stay open, nothing answers; only the store's timeout ends a publish
    cluster.redis.pause();
    try {
      assertUnavailable(subs, "probe-hung");
    } finally {
      cluster.redis.resume();
    }
    awaitReady();
    probeIds.add(acknowledge("probe-hung")); // retried with its key: stored once, whatever the first attempt did
    int before = load.acknowledged();
    await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged() >= before + 10);

    // 2. crashed and restarted on the same directory: the AOF keeps what was acknowledged
    cluster.redis.kill();
    assertUnavailable(subs, "probe-crashed");
    cluster.redis.restart();
    awaitReady();
    probeIds.add(acknowledge("probe-crashed"));
    int before2 = load.acknowledged();
    await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged() >= before2 + 10);
    load.finish();
    assertThat(load.finished(70)).isTrue();

    String endId = acknowledge("end");
    await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(s -> s.received("end")));
    List<LightSubscriber.Event> expected = new ArrayList<>();
    List<String> ids = load.ackedIds();
    List<String> data = load.ackedData();
    for (int i = 0; i < ids.size(); i++) {
      expected.add(new LightSubscriber.Event(ids.get(i), data.get(i)));
    }
    expected.add(new LightSubscriber.Event(probeIds.get(0), "probe-hung"));
    expected.add(new LightSubscriber.Event(probeIds.get(1), "probe-crashed"));
    expected.sort(Comparator.comparing(LightSubscriber.Event::id, Cluster::compareIds));
    expected.add(new LightSubscriber.Event(endId, "end"));

    for (LightSubscriber s : subs) {
      assertThat(s.events()).as("%s: everything acknowledged, once, in order, nothing else", s).isEqualTo(expected);
      assertThat(s.gaps()).isEmpty();
      assertThat(s.connections()).as("stayed connected through both outages").isEqualTo(1);
    }
    LightSubscriber fresh = cluster.subscribe("load", "earliest", "fresh");
    await().atMost(Duration.ofSeconds(30)).until(() -> fresh.received("end"));
    assertThat(fresh.events()).as("nothing acknowledged was lost by the crash").isEqualTo(expected);

    List<Publisher.Failure> failures = load.failures();
    assertThat(failures).as("the load publisher hit the outages").isNotEmpty();
    assertThat(failures).allSatisfy(f -> {
      assertThat(f.status()).as(f.body()).isEqualTo(503);
      assertThat(f.body()).contains("the history store is unavailable");
    });
    System.out.printf("redis outage: %d events acknowledged, %d attempts answered 503 and retried%n", expected.size(),
        failures.size());
  }

  /** Redis is down: a publish is a 503 naming the store, every node's /readyz 503, streams stay with heartbeats. */
  private void assertUnavailable(List<LightSubscriber> subs, String data) throws Exception {
    int[] beats = subs.stream().mapToInt(LightSubscriber::heartbeats).toArray();
    HttpResponse<String> r = Cluster.post(cluster.front(), "load", data, data);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(r.body()).contains("the history store is unavailable");
    List<CompletableFuture<Integer>> ready = new ArrayList<>();
    for (HubNode n : cluster.nodes) {
      ready.add(CompletableFuture.supplyAsync(() -> status(n.uri())));
    }
    for (CompletableFuture<Integer> f : ready) {
      assertThat(f.join()).as("/readyz while Redis is down").isEqualTo(503);
    }
    for (int i = 0; i < subs.size(); i++) {
      LightSubscriber s = subs.get(i);
      int b = beats[i];
      await().atMost(Duration.ofSeconds(30)).until(() -> s.heartbeats() >= b + 3);
      assertThat(s.connections()).as("still on its first connection").isEqualTo(1);
    }
  }

  private void awaitReady() {
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.nodes.stream().allMatch(n -> status(n.uri()) == 200));
  }

  private static int status(URI node) {
    try {
      return Cluster.status(node, "/readyz");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes {@code data} with key {@code data} through nginx, expecting a 200; its id. */
  private String acknowledge(String data) throws Exception {
    HttpResponse<String> r = Cluster.post(cluster.front(), "load", data, data);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Cluster.id(r);
  }
}
