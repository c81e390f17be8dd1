package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An event larger than the stream bound (issue 7, "accepted and never delivered"): a stream
 * always carries one whole event whatever its size; the bound applies to what queues behind it.
 */
class HubLargeEventTest extends HubTestSupport {
  private static final Duration T = Duration.ofSeconds(30);
  private static final int MAX_BODY = 4 << 20;
  private static final long BOUND = 64 * 1024;

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  @Test
  void anEventOfTheLargestAcceptedSizeReachesLiveAndReplayingSubscribersWhole() throws Exception {
    Hub hub = start(config().maxBodyBytes(MAX_BODY).maxBufferedBytes(BOUND).build());
    SseTestClient live = subscribe(hub.uri(), "topic=big");
    SseTestClient liveEnvelope = subscribe(hub.uri(), "topic=big&envelope=1");
    String prefix = "topic=big&data=";
    String data = "x".repeat(MAX_BODY - prefix.length()); // the form's envelope is the only overhead

    assertThat(HubHttp.postForm(hub.uri(), prefix + data + "x").statusCode()).as("one byte more").isEqualTo(413);
    var answer = HubHttp.postForm(hub.uri(), prefix + data);
    assertThat(answer.statusCode()).isEqualTo(200);
    String id = HubHttp.json(answer).get("id").asText();

    MessageEvent e = live.next(T).orElseThrow();
    assertThat(e.lastEventId()).isEqualTo(id);
    assertThat(e.data()).isEqualTo(data);
    assertThat(HubHttp.parse(liveEnvelope.next(T).orElseThrow().data()).get("data").asText()).isEqualTo(data);

    SseTestClient replaying = subscribe(hub.uri(), "topic=big", "earliest");
    assertThat(replaying.next(T).orElseThrow().data()).isEqualTo(data);

    // the streams are still open and live
    long next = HubHttp.publish(hub.uri(), "big", "small");
    for (SseTestClient c : new SseTestClient[] {live, liveEnvelope, replaying}) {
      assertThat(c.next(T).orElseThrow().lastEventId()).isEqualTo(Long.toString(next));
    }
    assertThat(HubHttp.get(hub.uri(), "/metrics").body()).contains("herald_slow_consumer_closes_total 0.0");
  }
}
