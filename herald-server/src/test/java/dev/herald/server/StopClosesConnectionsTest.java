package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} ends every connection it had, whatever state it is in, so no client waits on a
 * socket the server has forgotten: idle ones, ones that sent nothing yet, one with half a
 * request, and one whose handler is still running when the server stops.
 */
class StopClosesConnectionsTest {
  private static final Duration T = Duration.ofSeconds(30);

  @Test
  void everyConnectionSeesEndOfStreamAfterClose() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Routing routing = Routing.builder()
        .get("/ok", req -> Response.text("ok"))
        .get("/block", req -> {
          entered.countDown();
          release.await();
          return Response.text("late");
        })
        .build();
    HeraldServer server = HeraldServer.builder().port(0).routing(routing).shutdownGrace(Duration.ZERO).build().start();
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        RawClient idle = RawClient.get(server.port(), "/ok");
        assertThat(RawClient.status(idle.readHead(T))).isEqualTo(200);
        clients.add(idle); // a kept-alive connection between requests
      }
      for (int i = 0; i < 8; i++) {
        RawClient silent = RawClient.open(server.port());
        clients.add(silent); // connected, nothing sent
        RawClient half = RawClient.open(server.port());
        half.write("GET /ok HTTP/1.1\r\nHost: x\r\n"); // half a head
        clients.add(half);
      }
      RawClient blocked = RawClient.get(server.port(), "/block");
      clients.add(blocked);
      assertThat(entered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      server.close();
      for (int i = 0; i < clients.size(); i++) {
        assertThat(clients.get(i).awaitEof(T)).as("connection %d closed by the server", i).isTrue();
      }
    } finally {
      release.countDown();
      server.close();
      for (RawClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void requestsRacingCloseAreAnsweredOrSeeEndOfStream() throws Exception {
    Routing routing = Routing.builder().get("/ok", req -> Response.text("ok")).build();
    for (int round = 0; round < 10; round++) {
      HeraldServer server = HeraldServer.builder().port(0).routing(routing).build().start();
      int port = server.port();
      java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
      CountDownLatch some = new CountDownLatch(40);
      List<String> stuck = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          while (running.get()) {
            try (RawClient c = RawClient.get(port, "/ok")) {
              String head = c.readHead(T);
              some.countDown();
              if (head == null) {
                stuck.add("no head");
              }
            } catch (java.io.IOException | AssertionError e) {
              if (String.valueOf(e.getMessage()).contains("within")) {
                stuck.add(String.valueOf(e.getMessage()));
              }
              if (e instanceof java.net.ConnectException) {
                return;
              }
            }
          }
        });
        th.start();
        threads.add(th);
      }
      assertThat(some.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      server.close();
      running.set(false);
      for (Thread th : threads) {
        th.join(T.toMillis());
        assertThat(th.isAlive()).as("a client still waits after close (round %d)", round).isFalse();
      }
      assertThat(stuck).isEmpty();
    }
  }
}
