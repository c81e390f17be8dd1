package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hub processes ({@code herald serve --store redis}) on one real redis-server behind a real
 * nginx with the README's configuration: an event published on one node reaches subscribers on
 * the others, the nginx front serves publishes and streams, and a client resumes on another node
 * with the {@code Last-Event-ID} it got from the first.
 */
class ClusterProcessesTest {
  @TempDir Path dir;
  Cluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void publishedOnOneNodeReceivedOnTheOthersAndResumedOnAnotherNode() throws Exception {
    cluster = Cluster.start(dir, 3, List.of(), "--heartbeat", "1s");
    List<LightSubscriber> subs = new ArrayList<>();
    for (int i = 1; i < 3; i++) {
      subs.add(cluster.subscribe(cluster.node(i).port(), "chat/room", "earliest", "sub-node" + (i + 1)));
    }
    LightSubscriber front = cluster.subscribe("chat/room", "earliest", "sub-front");
    subs.add(front);

    HttpResponse<String> first = Cluster.post(cluster.node(0).uri(), "chat/room", "one", null);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    String id1 = Cluster.id(first);
    assertThat(id1).as("a Redis stream entry id").matches("\\d+-\\d+");
    HttpResponse<String> second = Cluster.post(cluster.front(), "chat/room", "two", null);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    String id2 = Cluster.id(second);

    for (LightSubscriber s : subs) {
      await().atMost(Duration.ofSeconds(30)).until(() -> s.count() >= 2);
      assertThat(s.events()).containsExactly(new LightSubscriber.Event(id1, "one"), new LightSubscriber.Event(id2, "two"));
    }

    // a client that got id1 from node 1 resumes on node 3 (and through nginx, whichever node it picks)
    LightSubscriber resumed = cluster.subscribe(cluster.node(2).port(), "chat/room", id1, "resumed-node3");
    LightSubscriber resumedFront = cluster.subscribe("chat/room", id1, "resumed-front");
    HttpResponse<String> third = Cluster.post(cluster.node(1).uri(), "chat/room", "three", null);
    String id3 = Cluster.id(third);
    for (LightSubscriber s : List.of(resumed, resumedFront)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> s.received("three"));
      assertThat(s.events()).containsExactly(new LightSubscriber.Event(id2, "two"), new LightSubscriber.Event(id3, "three"));
      assertThat(s.gaps()).isEmpty();
    }
  }
}
