package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's listener example receives pushes from the examples server. */
class ListenerClientExampleTest {
  @Test
  void printsEachPushedEvent() throws Exception {
    try (Examples examples = Examples.start("127.0.0.1", 0, ExampleTimings.fast())) {
      CopyOnWriteArrayList<String> lines = new CopyOnWriteArrayList<>();
      EventSource source = ListenerClientExample.listen(examples.uri().resolve("/stream"), lines::add);
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> source.readyState() == ReadyState.OPEN);
        SseTestClient.HTTP.send(HttpRequest.newBuilder(examples.uri().resolve("/push?msg=hi")).build(),
            HttpResponse.BodyHandlers.discarding());
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains(" message: hi"));
      } finally {
        source.close();
      }
      assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
    }
  }
}
