package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.HubPublishRejectedException;
import dev.herald.client.HubPublisher;
import dev.herald.client.HubUpdate;
import dev.herald.client.PublishResult;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * herald-client's {@link HubPublisher} against a real hub process ({@code java -cp <test
 * classpath> dev.herald.hub.HubMain serve}, SQLite in a temporary data directory, a publisher
 * key): a publish retried across a hub restart, and one whose answer was lost, are stored exactly
 * once; a token without the claim is a typed 403; the Mercure form works with a minted token.
 */
class HubPublisherProcessTest {
  private static final Pattern LISTENING = Pattern.compile("Herald hub listening on (http://\\S+/)");
  private static final String SECRET = TestTokens.SECRET;

  @TempDir Path data;
  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private URI start(int port) throws IOException {
    List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.herald.hub.HubMain", "serve",
        "--port", Integer.toString(port), "--data-dir", data.toString(), "--publisher-jwt-key", SECRET);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = out.readLine()) != null; ) {
      seen.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread pump = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe drained
            }
          } catch (IOException ignored) {
            // the process ended
          }
        }, "hub-output");
        pump.setDaemon(true);
        pump.start();
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("hub did not print its URL: " + seen);
  }

  private void kill(int index) throws InterruptedException {
    Process p = processes.get(index);
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("hub process ended").isTrue();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    processes.forEach(Process::destroyForcibly);
  }

  private static HubPublisher.Builder publisher(URI hub) {
    return HubPublisher.toHerald(hub).hmacKey(SECRET).initialBackoff(Duration.ofMillis(50))
        .maxBackoff(Duration.ofMillis(500)).maxAttempts(1000).deadline(Duration.ofMinutes(2));
  }

  /** The events of {@code topic} from the start of the history up to (without) a marker published after them. */
  private static List<MessageEvent> historyOf(URI hub, HubPublisher publisher, String topic) throws Exception {
    try (SseTestClient sub = HubHttp.subscribe(hub, "topic=" + topic, "earliest")) {
      publisher.publish(HubUpdate.of(topic, "marker"));
      List<MessageEvent> events = new ArrayList<>();
      for (MessageEvent e = sub.next(); !e.data().equals("marker"); e = sub.next()) {
        events.add(e);
      }
      return events;
    }
  }

  @Test
  void aPublishRetriedAcrossAHubRestartIsStoredExactlyOnce() throws Exception {
    URI first = start(0);
    HubPublisher before = publisher(first).build();
    assertThat(before.publish(HubUpdate.of("restart/a", "before")).attempts()).isEqualTo(1);
    kill(0);

    CountDownLatch retried = new CountDownLatch(1);
    AtomicInteger failures = new AtomicInteger();
    HubPublisher publisher = publisher(first).onRetry((attempt, delay, cause) -> {
      failures.incrementAndGet();
      retried.countDown();
    }).build();
    CompletableFuture<PublishResult> future = publisher.publishAsync(HubUpdate.of("restart/a", "across the restart"));
    assertThat(retried.await(30, TimeUnit.SECONDS)).as("the publisher retries while the hub is down").isTrue();
    assertThat(future).isNotDone();

    URI second = start(first.getPort()); // same port, same data directory
    assertThat(second).isEqualTo(first);
    PublishResult result = future.get(60, TimeUnit.SECONDS);
    assertThat(result.attempts()).isGreaterThan(1).isEqualTo(failures.get() + 1);

    List<MessageEvent> history = historyOf(second, publisher, "restart/a");
    assertThat(history).extracting(MessageEvent::data).containsExactly("before", "across the restart");
    assertThat(history.get(1).lastEventId()).isEqualTo(result.id());
  }

  @Test
  void aPublishWhoseAnswerWasLostIsRetriedWithItsKeyAndTheHubReplaysTheFirstAnswer() throws Exception {
    URI hub = start(0);
    AnswerDroppingProxy proxy = new AnswerDroppingProxy(hub.getPort());
    closeables.add(proxy);
    HubPublisher publisher = publisher(proxy.uri()).build();
    PublishResult result = publisher.publish(List.of(HubUpdate.of("lost/a", "one"), HubUpdate.of("lost/a", "two")));
    assertThat(proxy.droppedAnswers.get()).as("the first answer never reached the publisher").isEqualTo(1);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.replayed()).as("Idempotent-Replayed: true").isTrue();
    assertThat(result.ids()).hasSize(2);

    List<MessageEvent> history = historyOf(hub, publisher, "lost/a");
    assertThat(history).extracting(MessageEvent::data).as("stored once").containsExactly("one", "two");
    assertThat(history).extracting(MessageEvent::lastEventId).containsExactlyElementsOf(result.ids());
  }

  @Test
  void aTokenWithoutTheClaimIsATypedForbiddenAndAWrongKeyATypedUnauthorized() throws Exception {
    URI hub = start(0);
    HubPublisher noClaim = publisher(hub).tokenTopics(List.of("other/*")).build();
    assertThatThrownBy(() -> noClaim.publish(HubUpdate.of("admin/x", "no")))
        .isInstanceOfSatisfying(HubPublishRejectedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.isAuthorizationFailure()).isTrue();
          assertThat(e.hubMessage()).contains("may not publish to 'admin/x'");
        });
    HubPublisher wrongKey = publisher(hub).hmacKey(TestTokens.OTHER_SECRET).build();
    assertThatThrownBy(() -> wrongKey.publish(HubUpdate.of("admin/x", "no")))
        .isInstanceOfSatisfying(HubPublishRejectedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(401);
          assertThat(e.isAuthorizationFailure()).isTrue();
          assertThat(e.hubMessage()).contains("token refused");
        });
    HubPublisher bearer = HubPublisher.toHerald(hub).bearerToken("not.a.jwt").build();
    assertThatThrownBy(() -> bearer.publish(HubUpdate.of("admin/x", "no")))
        .isInstanceOfSatisfying(HubPublishRejectedException.class, e -> assertThat(e.statusCode()).isEqualTo(401));

    HubPublisher allowed = publisher(hub).build();
    assertThat(historyOf(hub, allowed, "admin/x")).as("nothing was published").isEmpty();
  }

  @Test
  void theMercureFormWorksWithAMintedToken() throws Exception {
    URI hub = start(0);
    HubPublisher mercure = HubPublisher.toMercure(hub.resolve("/.well-known/mercure")).hmacKey(SECRET)
        .tokenTopics(List.of("https://example.com/books/{id}")).build();
    PublishResult result = mercure.publish(HubUpdate.builder().topic("https://example.com/books/1")
        .data("{\"title\":\"Dune\"}").type("book").id("urn:book:1").build());
    assertThat(result.id()).isEqualTo("urn:book:1");
    assertThat(result.replayed()).isFalse();

    List<MessageEvent> history = historyOf(hub, publisher(hub).build(), "https://example.com/books/1");
    assertThat(history).hasSize(1);
    assertThat(history.get(0).data()).isEqualTo("{\"title\":\"Dune\"}");
    assertThat(history.get(0).type()).isEqualTo("book");
    assertThat(history.get(0).lastEventId()).isEqualTo("urn:book:1");
  }

  /**
   * A loopback TCP proxy to the hub that, on its first connection, forwards the request, waits
   * for the first byte of the hub's answer (the hub answers once the publish is durable) and then
   * closes the connection without passing the answer on; later connections are forwarded both ways.
   */
  private static final class AnswerDroppingProxy implements AutoCloseable {
    final AtomicInteger droppedAnswers = new AtomicInteger();
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    AnswerDroppingProxy(int target) throws IOException {
      this.target = target;
      Thread accept = new Thread(this::accept, "proxy-accept");
      accept.setDaemon(true);
      accept.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
    }

    private void accept() {
      try {
        for (int n = 0; ; n++) {
          Socket client = server.accept();
          Socket hub = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(client);
          sockets.add(hub);
          pump(client.getInputStream(), hub.getOutputStream());
          if (n == 0) {
            int first = hub.getInputStream().read(); // the hub has stored the publish and answers
            if (first >= 0) {
              droppedAnswers.incrementAndGet();
            }
            client.close();
            hub.close();
          } else {
            pump(hub.getInputStream(), client.getOutputStream());
          }
        }
      } catch (IOException closed) {
        // the proxy was closed
      }
    }

    private static void pump(InputStream in, OutputStream out) {
      Thread t = new Thread(() -> {
        try {
          in.transferTo(out);
        } catch (IOException ignored) {
          // one side closed
        } finally {
          try {
            out.close();
          } catch (IOException ignored) {
            // already closed
          }
        }
      }, "proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
