package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A live-only subscriber (no {@code Last-Event-ID}) is registered before its response begins, so
 * an event published once the response head has arrived must reach it, however late the replay
 * executor gets round to the subscription's (empty) catch-up, and also when the events published
 * meanwhile outgrow the replay buffer (then the replay re-reads the store after the last id it
 * had when it was registered, not after the last id when the replay got to run).
 */
class HubLiveSeamTest extends HubTestSupport {
  private static final Duration T = Duration.ofSeconds(30);

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  private static final int MAX_PENDING = 20;

  @ParameterizedTest
  @ValueSource(ints = {1, MAX_PENDING + 5})
  void eventsPublishedAfterTheResponseBeganReachALiveOnlySubscriberWhoseReplayWasQueued(int events) throws Exception {
    CountingStore store = new CountingStore(new MemoryHistoryStore(config().build().storeLimits()))
        .fill("seam/a", 3, 10).holdFirst(Hub.REPLAY_THREADS);
    Hub hub = Hub.start(config().build(), store, MAX_PENDING);
    URI u = hub.uri();
    List<SseTestClient> busy = new ArrayList<>();
    try {
      // occupy every replay thread with a catch-up held in its first store read
      for (int i = 0; i < Hub.REPLAY_THREADS; i++) {
        busy.add(HubHttp.subscribe(u, "topic=seam/a", "earliest"));
      }
      await().atMost(T).until(() -> store.holding.get() == Hub.REPLAY_THREADS);
      // the head has arrived: the subscription is registered, its replay still queued
      try (SseTestClient live = HubHttp.subscribe(u, "topic=seam/a")) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < events; i++) {
          ids.add(Long.toString(HubHttp.publish(u, "seam/a", "after the head " + i)));
        }
        store.release.countDown();
        // a marker published after the release comes after everything owed, in id order
        String marker = Long.toString(HubHttp.publish(u, "seam/a", "marker"));
        ids.add(marker);
        List<String> got = new ArrayList<>();
        while (got.isEmpty() || !got.get(got.size() - 1).equals(marker)) {
          got.add(live.next(T).orElseThrow().lastEventId());
        }
        assertThat(got).isEqualTo(ids);
      }
    } finally {
      store.release.countDown();
      busy.forEach(SseTestClient::close);
      hub.close();
    }
  }
}
