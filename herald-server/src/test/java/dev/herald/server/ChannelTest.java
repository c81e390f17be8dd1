package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Broadcast groups: fan-out to many sockets, keyed delivery, automatic leave. */
class ChannelTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final Channel channel = Channel.create();
  private HeraldServer server;

  @BeforeEach
  void start() {
    Routing routing = Routing.builder()
        .sse("/events", (req, stream) -> {
          req.query("user").ifPresentOrElse(user -> channel.join(user, stream), () -> channel.join(stream));
        })
        .build();
    server = HeraldServer.builder().port(0).routing(routing).heartbeatInterval(Duration.ZERO).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void broadcastReachesAThousandStreams() throws Exception {
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 1000; i++) {
        RawClient c = RawClient.get(server.port(), "/events");
        clients.add(c);
      }
      for (RawClient c : clients) {
        c.readHead(T);
      }
      assertThat(channel.size()).isEqualTo(1000);
      assertThat(channel.send(SseEvent.builder().id("1").event("news").data("to everyone").build())).isEqualTo(1000);
      for (RawClient c : clients) {
        c.readUntil("id: 1\nevent: news\ndata: to everyone\n\n", T);
      }
      for (int i = 0; i < 500; i++) {
        clients.get(i).close();
      }
      await().atMost(T).until(() -> channel.size() == 500);
      assertThat(channel.send(SseEvent.of("second"))).isEqualTo(500);
      for (int i = 500; i < 1000; i++) {
        clients.get(i).readUntil("data: second\n\n", T);
      }
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
    await().atMost(T).until(() -> channel.size() == 0);
  }

  @Test
  void keyedSendReachesOnlyThatKey() throws Exception {
    try (RawClient alice1 = RawClient.get(server.port(), "/events?user=alice");
        RawClient alice2 = RawClient.get(server.port(), "/events?user=alice");
        RawClient bob = RawClient.get(server.port(), "/events?user=bob");
        RawClient anon = RawClient.get(server.port(), "/events")) {
      for (RawClient c : List.of(alice1, alice2, bob, anon)) {
        c.readHead(T);
      }
      assertThat(channel.size()).isEqualTo(4);
      assertThat(channel.size("alice")).isEqualTo(2);
      assertThat(channel.size("bob")).isEqualTo(1);
      assertThat(channel.send("alice", SseEvent.of("dm", "for alice"))).isEqualTo(2);
      alice1.readUntil("event: dm\ndata: for alice\n\n", T);
      alice2.readUntil("event: dm\ndata: for alice\n\n", T);
      assertThat(channel.send("carol", SseEvent.of("nobody"))).isZero();
      // a broadcast after the keyed sends: what bob and anon read before it is all they got
      assertThat(channel.send(SseEvent.of("marker"))).isEqualTo(4);
      assertThat(bob.readUntil("data: marker\n\n", T)).doesNotContain("for alice").doesNotContain("nobody");
      assertThat(anon.readUntil("data: marker\n\n", T)).doesNotContain("for alice").doesNotContain("nobody");
      alice1.readUntil("data: marker\n\n", T);
      assertThat(alice2.readUntil("data: marker\n\n", T)).doesNotContain("nobody");

      alice1.close();
      await().atMost(T).until(() -> channel.size("alice") == 1 && channel.size() == 3);
      assertThat(channel.send("alice", SseEvent.of("again"))).isEqualTo(1);
      alice2.readUntil("data: again\n\n", T);
    }
    await().atMost(T).until(() -> channel.size() == 0 && channel.size("alice") == 0 && channel.size("bob") == 0);
  }

  @Test
  void joinMovesKeysAndLeaveRemoves() {
    FakeStream a = new FakeStream();
    FakeStream b = new FakeStream();
    Channel ch = Channel.create();
    ch.join("alice", a);
    ch.join("alice", a);
    ch.join(b);
    assertThat(ch.size()).isEqualTo(2);
    assertThat(ch.size("alice")).isEqualTo(1);
    ch.join("bob", a);
    assertThat(ch.size("alice")).isZero();
    assertThat(ch.size("bob")).isEqualTo(1);
    assertThat(ch.send("bob", SseEvent.of("x"))).isEqualTo(1);
    assertThat(ch.send(SseEvent.of("y"))).isEqualTo(2);
    assertThat(a.sent).extracting(e -> e.data().orElseThrow()).containsExactly("x", "y");
    ch.leave(a);
    assertThat(ch.size()).isEqualTo(1);
    assertThat(ch.size("bob")).isZero();
    b.fireClose(CloseReason.SERVER_CLOSE);
    assertThat(ch.size()).isZero();
    FakeStream closed = new FakeStream();
    closed.fireClose(CloseReason.CLIENT_DISCONNECT);
    ch.join("carol", closed);
    assertThat(ch.size()).isZero();
    assertThat(ch.size("carol")).isZero();
  }

  /** A stream outside any server, recording what it is sent. */
  private static final class FakeStream implements SseStream {
    final List<SseEvent> sent = new ArrayList<>();
    final List<java.util.function.Consumer<CloseReason>> callbacks = new ArrayList<>();
    CloseReason closed;

    void fireClose(CloseReason reason) {
      closed = reason;
      callbacks.forEach(cb -> cb.accept(reason));
    }

    @Override
    public boolean send(SseEvent event) {
      if (closed != null) {
        return false;
      }
      sent.add(event);
      return true;
    }

    @Override
    public boolean send(dev.herald.core.EncodedEvent event) {
      return send(event.event());
    }

    @Override
    public void close() {
      fireClose(CloseReason.SERVER_CLOSE);
    }

    @Override
    public boolean isOpen() {
      return closed == null;
    }

    @Override
    public java.util.Optional<String> lastEventId() {
      return java.util.Optional.empty();
    }

    @Override
    public Request request() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void onClose(java.util.function.Consumer<CloseReason> callback) {
      if (closed != null) {
        callback.accept(closed);
      } else {
        callbacks.add(callback);
      }
    }

    @Override
    public long bufferedBytes() {
      return 0;
    }

    @Override
    public boolean isWritable() {
      return closed == null;
    }

    @Override
    public void onWritable(Runnable callback) {
      if (closed == null) {
        callback.run();
      }
    }

    @Override
    public java.util.concurrent.CompletionStage<Boolean> sendWhenWritable(SseEvent event) {
      return java.util.concurrent.CompletableFuture.completedFuture(send(event));
    }

    @Override
    public java.util.concurrent.CompletionStage<Boolean> sendWhenWritable(dev.herald.core.EncodedEvent event) {
      return java.util.concurrent.CompletableFuture.completedFuture(send(event));
    }

    @Override
    public boolean awaitWritable(java.time.Duration timeout) {
      return isWritable();
    }

    @Override
    public SseStream header(String name, String value) {
      return this;
    }
  }
}
