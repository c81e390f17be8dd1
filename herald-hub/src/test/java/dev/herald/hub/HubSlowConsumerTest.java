package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that never reads is closed as a slow consumer (and counted) while a subscriber
 * that reads keeps receiving every event.
 */
class HubSlowConsumerTest extends HubTestSupport {
  private static final int EVENTS = 200;
  private static final int SIZE = 32 * 1024;

  @Test
  void aClientThatNeverReadsIsClosedWhileOthersGetEveryEvent() throws Exception {
    Hub hub = start(config().store(StoreKind.MEMORY).maxBufferedBytes(64 * 1024).build());
    SseTestClient good = subscribe(hub.uri(), "topic=big");
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new java.net.InetSocketAddress("127.0.0.1", hub.port()));
      stalled.getOutputStream().write("GET /events?topic=big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      await().atMost(Duration.ofSeconds(5)).until(() -> hub.broker().size() == 2);

      String payload = "x".repeat(SIZE);
      for (int i = 0; i < EVENTS; i++) {
        HubHttp.publish(hub.uri(), "big", payload);
        MessageEvent e = good.next();
        assertThat(e.lastEventId()).isEqualTo(Integer.toString(i + 1));
        assertThat(e.data()).hasSize(SIZE);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> hub.broker().size() == 1);
      assertThat(HubHttp.get(hub.uri(), "/metrics").body()).contains("herald_slow_consumer_closes_total 1.0");
    }
    assertThat(good.drain()).isEmpty();
    assertThat(hub.metrics().connections()).isEqualTo(1);
    assertThat(List.of(good.response().statusCode())).containsExactly(200);
  }
}
