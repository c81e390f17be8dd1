package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.client.EventSource;
import dev.herald.client.EventSourceListener;
import dev.herald.client.ReconnectPolicy;
import dev.herald.client.ResponseHead;
import dev.herald.core.MessageEvent;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * herald-client as a Mercure subscriber: its {@link EventSource} subscribes to
 * {@code /.well-known/mercure?topic=<URI template>} with the {@code mercureAuthorization} cookie
 * and receives the public and private updates the real {@code curl} publishes with Mercure's form
 * fields; the hub (SQLite) is stopped, updates are published while the client is away, the hub
 * starts again on the same port and data directory, and the client reconnects by itself with
 * {@code Last-Event-ID} and gets each missed update once, in order. Skipped where curl is missing.
 */
class MercureClientRestartTest {
  private static final String BOOKS = "https://example.com/books/{id}";
  private static final Instant NOW = Instant.now();
  private static final String PUBLISHER = TestTokens.hs256(SECRET, claims(NOW, List.of("*"), null).build());
  private static final String READER = TestTokens.hs256(SECRET, claims(NOW, null, List.of(BOOKS)).build());
  private static final String JSON = "{\n  \"@id\": \"/books/1\",\n\n    \"title\": \"  Dune  \"\n}";

  @TempDir Path data;
  private final List<Hub> hubs = new ArrayList<>();
  private final List<MessageEvent> events = new CopyOnWriteArrayList<>();
  private final List<ResponseHead> opens = new CopyOnWriteArrayList<>();
  private EventSource source;

  @BeforeEach
  void needsCurl() {
    Curl.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
  }

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    hubs.forEach(Hub::close);
  }

  private Hub hub(int port) {
    Hub hub = Hub.start(HubConfig.builder().port(port).dataDir(data).retry(Duration.ofMillis(200))
        .auth(AuthConfig.builder().jwtKey(SECRET).build()).build());
    hubs.add(hub);
    return hub;
  }

  private static String publish(Hub hub, String... pairs) throws Exception {
    return Curl.published(hub.uri(), PUBLISHER, pairs);
  }

  @Test
  void theClientGetsCurlsPublicAndPrivateUpdatesAndEverythingMissedWhileTheHubWasDown() throws Exception {
    Hub first = hub(0);
    int port = first.port();
    URI subscribe = first.uri().resolve(MercureHttp.PATH + "?topic=" + URLEncoder.encode(BOOKS, StandardCharsets.UTF_8));
    source = EventSource.builder(subscribe)
        .header("Cookie", AuthConfig.DEFAULT_COOKIE_NAME + "=" + READER)
        .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(500))
            .build())
        .connect(new EventSourceListener() {
          @Override
          public void onOpen(EventSource s, ResponseHead response) {
            opens.add(response);
          }

          @Override
          public void onEvent(EventSource s, MessageEvent event) {
            events.add(event);
          }
        });
    await().atMost(Duration.ofSeconds(30)).until(() -> opens.size() == 1);

    String p1 = publish(first, "topic", "https://example.com/books/1", "topic", "https://example.com/authors/7",
        "data", JSON, "type", "book-updated", "id", "urn:uuid:p1", "retry", "300");
    assertThat(p1).as("the publisher's id is the answer").isEqualTo("urn:uuid:p1");
    publish(first, "topic", "https://example.com/authors/9", "data", "no selector matches");
    String p2 = publish(first, "topic", "https://example.com/books/2", "data", "private\n\n  second paragraph",
        "private", "on", "id", "urn:uuid:p2");
    await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 2);
    first.close(); // the stream ends; reconnects to the port are refused while no hub listens

    Hub away = hub(0); // the same data directory on another port: the client cannot be back yet
    while (away.port() == port) {
      away.close();
      away = hub(0);
    }
    String a1 = publish(away, "topic", "https://example.com/reviews/3", "topic", "https://example.com/books/3",
        "data", "matched by its second topic");
    String a2 = publish(away, "topic", "https://example.com/books/4", "data", "\n  away and private\n",
        "type", "secret", "private", "yes");
    publish(away, "topic", "https://example.com/authors/9", "data", "still not matched", "private", "on");
    away.close();

    Hub second = hub(port);
    await().atMost(Duration.ofSeconds(30)).until(() -> opens.size() == 2);
    String live = publish(second, "topic", "https://example.com/books/5", "data", "live again", "id", "urn:uuid:p5");
    await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.data().equals("live again")));

    assertThat(opens.get(1).firstHeader("Last-Event-ID")).as("the client resumed after the last id it saw")
        .hasValue(p2);
    assertThat(events).extracting(MessageEvent::lastEventId, MessageEvent::event, MessageEvent::data).containsExactly(
        org.assertj.core.groups.Tuple.tuple(p1, "book-updated", JSON),
        org.assertj.core.groups.Tuple.tuple(p2, "message", "private\n\n  second paragraph"),
        org.assertj.core.groups.Tuple.tuple(a1, "message", "matched by its second topic"),
        org.assertj.core.groups.Tuple.tuple(a2, "secret", "\n  away and private\n"),
        org.assertj.core.groups.Tuple.tuple(live, "message", "live again"));
    assertThat(source.lastEventId()).isEqualTo("urn:uuid:p5");
  }
}
