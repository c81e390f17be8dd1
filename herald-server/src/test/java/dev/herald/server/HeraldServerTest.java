package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starting and stopping: ephemeral ports, freeing the port, no leftover threads. */
class HeraldServerTest {
  private static final Duration T = Duration.ofSeconds(30);

  private static Routing routing() {
    return Routing.builder()
        .get("/ping", req -> Response.text("pong"))
        .sse("/events", (req, stream) -> stream.send("hi"))
        .build();
  }

  /** The live threads that {@code server} created (its boss, event-loop and worker threads). */
  private static List<String> threadsOf(HeraldServer server) {
    String prefix = server.threadPrefix();
    assertThat(prefix).startsWith("herald-");
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith(prefix)).sorted().toList();
  }

  private static void exercise(HeraldServer server) throws Exception {
    try (RawClient plain = RawClient.get(server.port(), "/ping");
        RawClient sse = RawClient.get(server.port(), "/events")) {
      assertThat(plain.readResponse(T)).endsWith("pong");
      sse.readUntil("data: hi\n\n", T);
    }
  }

  @Test
  void ephemeralPortAndUri() {
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing()).build().start()) {
      assertThat(server.port()).isPositive();
      assertThat(server.host()).isEqualTo("127.0.0.1");
      assertThat(server.uri()).hasToString("http://127.0.0.1:" + server.port() + "/");
    }
  }

  @Test
  void stopFreesThePortForANewServer() throws Exception {
    HeraldServer first = HeraldServer.builder().port(0).routing(routing()).build().start();
    int port = first.port();
    RawClient open = RawClient.get(port, "/events");
    open.readUntil("data: hi\n\n", T);
    first.close();
    assertThat(open.awaitEof(T)).isTrue();
    open.close();
    try (HeraldServer second = HeraldServer.builder().port(port).routing(routing()).build().start()) {
      assertThat(second.port()).isEqualTo(port);
      exercise(second);
    }
  }

  @Test
  void bindFailureNamesTheAddress() {
    try (HeraldServer first = HeraldServer.builder().port(0).routing(routing()).build().start()) {
      HeraldServer second = HeraldServer.builder().port(first.port()).routing(routing()).build();
      assertThatThrownBy(second::start)
          .isInstanceOf(HeraldServerException.class)
          .hasMessageStartingWith("cannot bind 127.0.0.1:" + first.port() + ": address already in use");
      second.close();
      await().atMost(T).untilAsserted(() -> assertThat(threadsOf(second)).isEmpty());
    }
  }

  @Test
  void anUnresolvableHostIsNamedAsSuch() {
    HeraldServer server = HeraldServer.builder().host("no.such.host.invalid").port(0).routing(routing()).build();
    assertThatThrownBy(server::start)
        .isInstanceOf(HeraldServerException.class)
        .hasMessageStartingWith("cannot resolve host 'no.such.host.invalid': give an IP address or a name");
    assertThat(threadsOf(server)).isEmpty();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void lifecycleRules() {
    HeraldServer never = HeraldServer.builder().port(0).build();
    never.close();
    never.close();
    assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class);
    HeraldServer server = HeraldServer.builder().port(0).build().start();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    server.close();
    server.close();
    server.close();
  }

  @Test
  void builderRejectsNonsense() {
    assertThatThrownBy(() -> HeraldServer.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeraldServer.builder().heartbeatInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeraldServer.builder().maxBufferedBytes(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeraldServer.builder().workerThreads(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeraldServer.builder().host(null)).hasMessage("host == null");
    assertThatThrownBy(() -> Routing.builder().get("nope", req -> Response.status(200)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Routing.builder().get("/a/{x}", req -> null).get("/a/{y}", req -> null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyThreadTheServerCreatedEndsWithStop() throws Exception {
    for (int i = 0; i < 3; i++) {
      HeraldServer server = HeraldServer.builder().port(0).routing(routing()).heartbeatInterval(Duration.ofMillis(50)).build().start();
      exercise(server);
      List<String> running = threadsOf(server);
      assertThat(running).as("threads while running")
          .anyMatch(n -> n.contains("-boss-")).anyMatch(n -> n.contains("-io-")).anyMatch(n -> n.contains("-worker-"));
      server.close();
      // a thread may still be finishing its last instructions after its pool reported termination
      await().atMost(T).untilAsserted(() -> assertThat(threadsOf(server)).as("threads after stop()").isEmpty());
    }
  }
}
