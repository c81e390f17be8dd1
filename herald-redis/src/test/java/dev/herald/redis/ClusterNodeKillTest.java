package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed ({@code kill -9}) under load: 1,000 subscribers spread over three hub processes
 * by nginx, two publishers publishing through nginx with {@code Idempotency-Key} and retrying
 * failures; one node is killed mid-run. Its subscribers reconnect through nginx with
 * {@code Last-Event-ID} to a surviving node. Every acknowledged event reaches every subscriber
 * exactly once and in order, and nothing else does.
 */
class ClusterNodeKillTest {
  static final int SUBSCRIBERS = 1_000;
  static final int PER_PUBLISHER = 150;

  @TempDir Path dir;
  Cluster cluster;
  final List<Publisher> publishers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Publisher p : publishers) {
      p.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodeKilledUnderLoadLosesAndDuplicatesNothingForAnySubscriber() throws Exception {
    cluster = Cluster.start(dir, 3, List.of(), "--heartbeat", "2s");
    List<LightSubscriber> subs = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      subs.add(cluster.subscribe("load", "earliest", "sub-" + i));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> subs.stream().allMatch(s -> s.connections() >= 1));

    publishers.add(new Publisher(cluster.front(), "load", "a", PER_PUBLISHER));
    publishers.add(new Publisher(cluster.front(), "load", "b", PER_PUBLISHER));
    await().atMost(Duration.ofSeconds(60)).until(() -> acked() >= PER_PUBLISHER / 2);
    HubNode victim = cluster.node(1);
    victim.kill(); // mid-run: publishes and streams through it break
    int ackedAtKill = acked();
    for (Publisher p : publishers) {
      assertThat(p.await(90)).as("every publish acknowledged in the end; failures: %s", p.failures()).isTrue();
    }
    HttpResponse<String> end = Cluster.post(cluster.front(), "load", "end", "end-key");
    assertThat(end.statusCode()).as(end.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).until(() -> subs.stream().allMatch(s -> s.received("end")));

    List<LightSubscriber.Event> expected = new ArrayList<>();
    for (Publisher p : publishers) {
      List<String> ids = p.ackedIds();
      List<String> data = p.ackedData();
      for (int i = 0; i < ids.size(); i++) {
        expected.add(new LightSubscriber.Event(ids.get(i), data.get(i)));
      }
    }
    expected.sort(Comparator.comparing(LightSubscriber.Event::id, Cluster::compareIds));
    expected.add(new LightSubscriber.Event(Cluster.id(end), "end"));
    Set<String> distinct = new HashSet<>();
    expected.forEach(e -> distinct.add(e.id()));
    assertThat(distinct).as("one id per acknowledged event").hasSize(2 * PER_PUBLISHER + 1);

    int reconnected = 0;
    for (LightSubscriber s : subs) {
      assertThat(s.events()).as("%s: every acknowledged event once, in order, nothing else", s).isEqualTo(expected);
      assertThat(s.gaps()).isEmpty();
      if (s.connections() > 1) {
        reconnected++;
      }
    }
    assertThat(reconnected).as("the killed node's subscribers reconnected to the others").isBetween(1, SUBSCRIBERS - 1);
    System.out.printf("node kill: %d subscribers, %d reconnected, killed after %d of %d acks, %d failed publish attempts"
        + " retried%n", SUBSCRIBERS, reconnected, ackedAtKill, 2 * PER_PUBLISHER,
        publishers.stream().mapToInt(p -> p.failures().size()).sum());
  }

  private int acked() {
    return publishers.stream().mapToInt(Publisher::acknowledged).sum();
  }
}
