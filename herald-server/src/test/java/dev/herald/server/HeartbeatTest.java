package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Heartbeat comments come from one task per event loop and can be turned off. */
class HeartbeatTest {
  private static final Duration T = Duration.ofSeconds(5);

  private static HeraldServer server(Duration interval, BlockingQueue<SseStream> opened) {
    Routing routing = Routing.builder().sse("/events", (req, stream) -> opened.add(stream)).build();
    return HeraldServer.builder().port(0).routing(routing).heartbeatInterval(interval).build().start();
  }

  @Test
  void quietStreamsGetAComment() throws Exception {
    BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
    try (HeraldServer server = server(Duration.ofMillis(200), opened);
        RawClient a = RawClient.get(server.port(), "/events");
        RawClient b = RawClient.get(server.port(), "/events")) {
      a.readHead(T);
      b.readHead(T);
      a.readUntil(":\n\n", Duration.ofSeconds(1));
      b.readUntil(":\n\n", Duration.ofSeconds(1));
      a.readUntil(":\n\n", Duration.ofSeconds(1));
    }
  }

  @Test
  void busyStreamsSkipTheHeartbeat() throws Exception {
    BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
    try (HeraldServer server = server(Duration.ofMillis(500), opened);
        RawClient c = RawClient.get(server.port(), "/events")) {
      c.readHead(T);
      SseStream stream = opened.poll(5, TimeUnit.SECONDS);
      long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
      while (System.nanoTime() < end) {
        stream.send("tick");
        Thread.sleep(50);
      }
      assertThat(c.drain(Duration.ofMillis(100))).contains("data: tick\n\n").doesNotContain(":\n\n");
    }
  }

  @Test
  void zeroIntervalDisablesHeartbeats() throws Exception {
    BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
    try (HeraldServer server = server(Duration.ZERO, opened);
        RawClient c = RawClient.get(server.port(), "/events")) {
      c.readHead(T);
      assertThat(c.drain(Duration.ofSeconds(1))).isEmpty();
    }
  }
}
