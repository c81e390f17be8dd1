package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Mercure subscriber whose resume point retention has passed (SQLite, an open hub): the
 * {@code Last-Event-ID} response header is {@code earliest} (the spec: no preceding event), the
 * stream tells the gap with {@code herald-gap}, then replays what is retained; a resume point
 * still retained is answered with itself. Publisher ids trimmed away are no longer known.
 */
class MercureGapTest extends HubTestSupport {
  private MercureHttp mercure;

  @AfterEach
  void close() {
    if (mercure != null) {
      mercure.close();
    }
  }

  @Test
  void aTrimmedResumePointIsToldInTheHeaderAndTheStream() throws Exception {
    Hub hub = start(config().retentionEvents(3).build());
    URI u = hub.uri();
    mercure = new MercureHttp(u);
    for (int i = 1; i <= 6; i++) {
      mercure.published(null, "topic", "urn:t", "data", "e" + i, "id", "urn:e:" + i);
    }
    hub.store().enforceRetention();
    assertThat(hub.store().trimmedThrough()).isEqualTo(3);

    SseTestClient byDecimal = mercure.subscribe("topic=urn:t&lastEventID=2", null);
    assertThat(byDecimal.response().headers().firstValue("Last-Event-ID")).hasValue("earliest");
    MessageEvent gap = byDecimal.next();
    assertThat(gap.event()).isEqualTo(SubscribeHandler.GAP_EVENT);
    assertThat(HubHttp.parse(gap.data()).get("reason").asText()).isEqualTo("trimmed");
    assertThat(byDecimal.next(3)).extracting(MessageEvent::lastEventId).containsExactly("urn:e:4", "urn:e:5", "urn:e:6");

    SseTestClient byTrimmedCustom = mercure.subscribe("topic=urn:t&lastEventID=urn:e:1", null);
    assertThat(byTrimmedCustom.response().headers().firstValue("Last-Event-ID")).hasValue("earliest");
    assertThat(byTrimmedCustom.next().event()).isEqualTo(SubscribeHandler.GAP_EVENT);
    assertThat(byTrimmedCustom.next(3)).extracting(MessageEvent::data).containsExactly("e4", "e5", "e6");

    SseTestClient retained = mercure.subscribe("topic=urn:t&lastEventID=urn:e:4", null);
    assertThat(retained.response().headers().firstValue("Last-Event-ID")).hasValue("urn:e:4");
    assertThat(retained.next(2)).extracting(MessageEvent::data).containsExactly("e5", "e6");
  }
}
