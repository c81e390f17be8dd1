package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts real hubs on port 0 for a test class and stops them after each test. The store is the
 * one {@link #storeKind()} names (SQLite in a temp dir by default).
 */
abstract class HubTestSupport {
  static final Duration RETRY = Duration.ofMillis(1234);

  @TempDir
  Path dataDir;

  private final List<Hub> hubs = new ArrayList<>();
  private final List<SseTestClient> clients = new ArrayList<>();

  /** The store the hubs of this class use. */
  StoreKind storeKind() {
    return StoreKind.SQLITE;
  }

  HubConfig.Builder config() {
    return HubConfig.builder().port(0).dataDir(dataDir).store(storeKind()).retry(RETRY);
  }

  Hub start(HubConfig config) {
    Hub hub = Hub.start(config);
    hubs.add(hub);
    return hub;
  }

  /** A hub over a given store (e.g. a {@link TestStore} that can fail). */
  Hub start(HubConfig config, HistoryStore store) {
    Hub hub = Hub.start(config, store);
    hubs.add(hub);
    return hub;
  }

  Hub start() {
    return start(config().build());
  }

  /** A subscriber closed after the test; waits for its {@code retry:} hint (so it is registered). */
  SseTestClient subscribe(URI hub, String query, String lastEventId) throws Exception {
    SseTestClient c = HubHttp.subscribe(hub, query, lastEventId);
    clients.add(c);
    c.awaitRetry();
    return c;
  }

  SseTestClient subscribe(URI hub, String query) throws Exception {
    return subscribe(hub, query, null);
  }

  /**
   * Proves that nothing more is on its way to {@code clients}, without waiting on a timed
   * silence: publishes a marker event on {@code topic} (which every client must match) and checks
   * that it is the next event each one gets. A subscriber gets its events in id order, so anything
   * that was going to arrive would come first. Returns the marker's id.
   */
  static long assertNothingElseArrives(URI hub, String topic, SseTestClient... clients) throws InterruptedException {
    String marker = "marker-" + System.nanoTime();
    long id = HubHttp.publish(hub, topic, marker);
    for (SseTestClient c : clients) {
      MessageEvent next = c.next();
      assertThat(next.data()).as("the next event is the marker, nothing before it").isEqualTo(marker);
      assertThat(next.lastEventId()).isEqualTo(Long.toString(id));
    }
    return id;
  }

  @AfterEach
  void stopHubs() {
    clients.forEach(SseTestClient::close);
    hubs.forEach(Hub::close);
  }
}
