package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away while a {@code before} filter of an SSE route runs (on a worker, off
 * the event loop): no stream is started on the dead connection, so its handler is not run and
 * nothing is left open until the server stops.
 */
class FilterDisconnectTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final CountDownLatch hold = new CountDownLatch(1);
  private HeraldServer server;

  @AfterEach
  void stop() {
    hold.countDown();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aClientGoneWhileTheBeforeFilterRunsGetsNoStream() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    server = HeraldServer.builder().port(0).workerThreads(1).sseHandlerThreads(1).routing(Routing.builder()
        .filter(Filter.before(req -> {
          if (req.path().equals("/events")) {
            entered.countDown();
            release.await();
          }
          return Optional.empty();
        }))
        .sse("/blocker", (req, stream) -> {
          blocking.countDown();
          hold.await(); // holds the one SSE handler thread: a stream started later waits for it
        })
        .sse("/events", (req, stream) -> seen.add("handler"))
        .get("/ping", req -> Response.text("pong"))
        .build()).build().start();
    try (RawClient blocker = RawClient.open(server.port())) {
      blocker.write(RawClient.request("GET", "/blocker"));
      assertThat(blocking.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

      RawClient gone = RawClient.open(server.port(), socket -> {
        try {
          socket.setSoLinger(true, 0); // close() resets the connection
        } catch (SocketException e) {
          throw new IllegalStateException(e);
        }
      });
      gone.write(RawClient.request("GET", "/events"));
      assertThat(entered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      gone.close();
      await().atMost(T).until(() -> server.plainConnections() == 0); // the server has handled the close
      release.countDown();

      // the one worker runs /ping after the filter task of /events, which handed the stream to the
      // loop as it ended; a task on every loop then runs after that hand-over
      try (RawClient ping = RawClient.open(server.port())) {
        ping.write(RawClient.request("GET", "/ping"));
        assertThat(ping.readResponse(T)).endsWith("pong");
      }
      server.sweepNow();
      assertThat(server.sseHandlersWaiting()).as("no stream started on the closed connection").isZero();
      assertThat(seen).isEmpty();
    }
  }
}
