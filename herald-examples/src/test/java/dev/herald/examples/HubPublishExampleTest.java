package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.HubPublishRejectedException;
import dev.herald.client.PublishResult;
import dev.herald.core.MessageEvent;
import dev.herald.hub.AuthConfig;
import dev.herald.hub.Hub;
import dev.herald.hub.HubConfig;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's hub publisher program against a real hub with a publisher key, over loopback. */
class HubPublishExampleTest {
  private static final String KEY = "example-publisher-key-0123456789-abcdefgh";
  @TempDir Path data;
  private Hub hub;

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private URI start() {
    hub = Hub.start(HubConfig.builder().port(0).dataDir(data)
        .auth(AuthConfig.builder().publisherJwtKey(KEY).build()).build());
    return hub.uri();
  }

  @Test
  void itPublishesOneUpdateAndABatchThatSubscribersReceive() throws Exception {
    URI uri = start();
    try (SseTestClient sub = SseTestClient.open(HttpRequest.newBuilder(uri.resolve("/events?topic=chat/*"))
        .header("Last-Event-ID", "earliest").GET().build())) {
      List<PublishResult> results = HubPublishExample.publish(HubPublishExample.publisher(uri, KEY));
      assertThat(results).hasSize(2);
      assertThat(results.get(1).ids()).hasSize(2);
      List<MessageEvent> events = new ArrayList<>(sub.next(3));
      assertThat(events).extracting(MessageEvent::data).containsExactly("hello from Java", "{\"user\":\"ada\"}", "hello, room 2");
      assertThat(events.get(0).lastEventId()).isEqualTo(results.get(0).id());
      assertThat(events.get(1).type()).isEqualTo("join");
      assertThat(events.subList(1, 3)).extracting(MessageEvent::lastEventId).containsExactlyElementsOf(results.get(1).ids());
    }
  }

  @Test
  void withoutTheKeyTheHubRefusesWithATypedUnauthorized() {
    URI uri = start();
    assertThatThrownBy(() -> HubPublishExample.publish(HubPublishExample.publisher(uri, null)))
        .isInstanceOfSatisfying(HubPublishRejectedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(401);
          assertThat(e.isAuthorizationFailure()).isTrue();
        });
  }
}
