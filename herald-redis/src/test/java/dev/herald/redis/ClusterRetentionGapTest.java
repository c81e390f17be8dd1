package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that falls behind the stream's retention: node 2 is frozen (SIGSTOP) while node 1
 * publishes more than the stream keeps; when node 2 runs again (SIGCONT) its tail finds that
 * entries it never delivered were trimmed, and its live subscribers get a {@code herald-gap}
 * (reason {@code trimmed}, naming the last id they were sent) before what follows, instead of a
 * silent skip. Node 1's subscribers, which missed nothing, get no gap.
 */
class ClusterRetentionGapTest {
  static final int RETAINED = 20;

  @TempDir Path dir;
  Cluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodeBehindRetentionTellsItsSubscribersWithHeraldGap() throws Exception {
    cluster = Cluster.start(dir, 2, List.of(), "--heartbeat", "1s", "--retention-events", Integer.toString(RETAINED));
    HubNode a = cluster.node(0);
    HubNode b = cluster.node(1);
    LightSubscriber onA = cluster.subscribe(a.port(), "t", "earliest", "on-a");
    LightSubscriber onB = cluster.subscribe(b.port(), "t", "earliest", "on-b");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(publish(a, "e" + i));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> onA.received("e2") && onB.received("e2"));

    b.pause();
    try {
      for (int i = 3; i < 3 + 3 * RETAINED; i++) { // well past what the stream keeps (trimmed at twice the limit)
        ids.add(publish(a, "e" + i));
      }
      // the single-node path agrees that e3 is gone: a client resuming after e2 is told so
      LightSubscriber resumedOnA = cluster.subscribe(a.port(), "t", ids.get(2), "resumed-on-a");
      await().atMost(Duration.ofSeconds(30)).until(() -> resumedOnA.gaps().size() == 1);
    } finally {
      b.resume();
    }
    String after = publish(a, "after");
    await().atMost(Duration.ofSeconds(30)).until(() -> onB.received("after") && onA.received("after"));

    assertThat(onA.gaps()).as("node 1 delivered everything: no gap").isEmpty();
    assertThat(onA.events()).hasSize(3 * RETAINED + 4);

    assertThat(onB.gaps()).as("node 2 fell behind retention: its subscriber is told").hasSize(1);
    LightSubscriber.Gap gap = onB.gaps().get(0);
    assertThat(gap.afterEvents()).as("the gap comes right after the last event it had").isEqualTo(3);
    JsonNode data = RedisClusterTest.JSON.readTree(gap.data());
    assertThat(data.get("lastEventId").asText()).isEqualTo(ids.get(2));
    assertThat(data.get("reason").asText()).isEqualTo("trimmed");
    List<LightSubscriber.Event> got = onB.events();
    assertThat(got.subList(0, 3)).extracting(LightSubscriber.Event::data).containsExactly("e0", "e1", "e2");
    assertThat(got.get(got.size() - 1).id()).isEqualTo(after);
    assertThat(got.size()).as("some were skipped (trimmed), told by the gap").isLessThan(3 * RETAINED + 4);
    for (int i = 1; i < got.size(); i++) {
      assertThat(Cluster.compareIds(got.get(i - 1).id(), got.get(i).id())).as("in order, no repeat").isNegative();
    }
    assertThat(ids).as("what it got after the gap are published events").containsAll(
        got.stream().map(LightSubscriber.Event::id).filter(id -> !id.equals(after)).toList());
  }

  static String publish(HubNode node, String data) throws Exception {
    HttpResponse<String> r = Cluster.post(node.uri(), "t", data, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Cluster.id(r);
  }
}
