package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A live-only subscriber (no {@code Last-Event-ID}) gets what is published after it registered,
 * and nothing published before: not even an event the publisher already had its answer for but
 * whose fan-out was still queued (the store acknowledges a publish once the batch is handed to
 * {@link FanOut}, not once every subscriber was matched). The fan-out of that event reaches the
 * new subscription after it registered, whether its replay has already gone live or is still
 * queued (the event is then buffered); either way it must be dropped, since its id is not above
 * the store's last id when the subscription registered.
 */
class HubLiveStartTest extends HubTestSupport {
  private static final Duration T = Duration.ofSeconds(30);

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  @ParameterizedTest(name = "replay still queued: {0}")
  @ValueSource(booleans = {false, true})
  void anEventPublishedBeforeALiveOnlySubscribeIsNotSentToItWhenItsFanOutArrivesLate(boolean replayQueued)
      throws Exception {
    HeldFanOutStore held = new HeldFanOutStore(new MemoryHistoryStore(config().build().storeLimits()));
    CountingStore store = new CountingStore(held).holdFirst(replayQueued ? Hub.REPLAY_THREADS : 0);
    Hub hub = Hub.start(config().build(), store);
    URI u = hub.uri();
    List<SseTestClient> clients = new ArrayList<>();
    try {
      SseTestClient witness = HubHttp.subscribe(u, "topic=w");
      clients.add(witness);
      witness.awaitRetry();
      if (replayQueued) { // occupy every replay thread with a catch-up held in its first store read
        for (int i = 0; i < Hub.REPLAY_THREADS; i++) {
          clients.add(HubHttp.subscribe(u, "topic=busy", "earliest"));
        }
        await().atMost(T).until(() -> store.holding.get() == Hub.REPLAY_THREADS);
      }
      held.hold();
      long before = HubHttp.publish(u, "seam/a", "before"); // acknowledged; its fan-out held
      SseTestClient live = HubHttp.subscribe(u, "topic=seam/a"); // the head has arrived: registered
      clients.add(live);
      Subscription sub = hub.broker().snapshot().stream()
          .filter(s -> s.selectors().equals(List.of(TopicSelector.parse("seam/a")))).findFirst().orElseThrow();
      if (!replayQueued) {
        await().atMost(T).until(sub::isLive);
      }
      held.release(); // the fan-out of 'before' now reaches the registered subscription
      // the fan-out is one ordered queue: once the witness has this, 'before' was handed to sub
      long ping = HubHttp.publish(u, "w", "ping");
      assertThat(witness.next(T).orElseThrow().lastEventId()).isEqualTo(Long.toString(ping));
      assertThat(sub.isLive()).as("the replay has gone live").isEqualTo(!replayQueued);
      store.release.countDown();
      long marker = HubHttp.publish(u, "seam/a", "marker");
      MessageEvent next = live.next(T).orElseThrow();
      assertThat(next.lastEventId()).as("event %d was published before the subscribe; got %s %s", before,
          next.lastEventId(), next.data()).isEqualTo(Long.toString(marker));
    } finally {
      store.release.countDown();
      clients.forEach(SseTestClient::close);
      hub.close();
    }
  }

  /** A store whose batches, while {@link #hold held}, reach the hub's fan-out only on {@link #release}. */
  static final class HeldFanOutStore extends ForwardingStore {
    private final List<List<StoredEvent>> held = new ArrayList<>();
    private volatile Consumer<List<StoredEvent>> listener = batch -> {};
    private boolean holding; // guarded by this

    HeldFanOutStore(HistoryStore delegate) {
      super(delegate);
      delegate.onAppended(this::appended);
    }

    @Override
    public void onAppended(Consumer<List<StoredEvent>> listener) {
      this.listener = listener;
    }

    private synchronized void appended(List<StoredEvent> batch) {
      if (holding) {
        held.add(batch);
      } else {
        listener.accept(batch);
      }
    }

    synchronized void hold() {
      holding = true;
    }

    synchronized void release() {
      holding = false;
      held.forEach(listener);
      held.clear();
    }
  }
}
