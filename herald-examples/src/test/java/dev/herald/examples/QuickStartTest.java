package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The README's library example does what the README says. */
class QuickStartTest {
  @Test
  void broadcastReachesEveryEventsStream() throws Exception {
    HeraldServer server = QuickStart.start(0);
    try (SseTestClient a = SseTestClient.get(server.uri().resolve("/events"));
        SseTestClient b = SseTestClient.get(server.uri().resolve("/events"))) {
      HttpResponse<String> reply = SseTestClient.HTTP.send(
          HttpRequest.newBuilder(server.uri().resolve("/broadcast"))
              .POST(HttpRequest.BodyPublishers.ofString("hello, everyone"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(reply.body()).isEqualTo("{\"delivered\":2}");
      assertThat(a.next().data()).isEqualTo("hello, everyone");
      assertThat(b.next().data()).isEqualTo("hello, everyone");
    } finally {
      server.close();
    }
  }
}
