package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code stop()} and handlers that are still running: the configurable shutdown grace. */
class ShutdownGraceTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private final CountDownLatch returned = new CountDownLatch(1);

  private HeraldServer server(Duration grace) {
    Routing routing = Routing.builder()
        .get("/block", req -> {
          entered.countDown();
          try {
            release.await();
            returned.countDown();
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return Response.text("done");
        })
        .build();
    return HeraldServer.builder().port(0).routing(routing).shutdownGrace(grace).build().start();
  }

  @Test
  void withZeroGraceABlockedHandlerIsInterruptedAtOnce() throws Exception {
    HeraldServer server = server(Duration.ZERO);
    try (RawClient c = RawClient.get(server.port(), "/block")) {
      assertThat(entered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      server.close();
      assertThat(interrupted.await(T.toMillis(), TimeUnit.MILLISECONDS)).as("handler interrupted").isTrue();
      assertThat(returned.getCount()).isOne();
    } finally {
      release.countDown();
      server.close();
    }
  }

  @Test
  void withinTheGraceAHandlerFinishesUninterrupted() throws Exception {
    HeraldServer server = server(Duration.ofHours(1));
    try (RawClient c = RawClient.get(server.port(), "/block")) {
      assertThat(entered.await(T.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      Thread stopper = new Thread(server::close, "stopper");
      stopper.start();
      // stop() has done everything else and now waits out the grace for the handler
      await().atMost(T).until(() -> Arrays.stream(stopper.getStackTrace())
          .anyMatch(f -> f.getMethodName().equals("awaitTermination")));
      release.countDown();
      stopper.join(T.toMillis());
      assertThat(stopper.isAlive()).as("stop() returned").isFalse();
      assertThat(returned.getCount()).as("handler returned normally").isZero();
      assertThat(interrupted.getCount()).as("never interrupted").isOne();
    } finally {
      release.countDown();
      server.close();
    }
  }

  @Test
  void theGraceIsChecked() {
    HeraldServer.Builder b = HeraldServer.builder();
    assertThatThrownBy(() -> b.shutdownGrace(Duration.ofMillis(-1)))
        .hasMessage("shutdownGrace must be from 0 to PT24H: PT-0.001S");
    assertThatThrownBy(() -> b.shutdownGrace(Duration.ofDays(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.shutdownGrace(null)).isInstanceOf(NullPointerException.class);
    assertThat(HeraldServer.DEFAULT_SHUTDOWN_GRACE).isEqualTo(Duration.ofSeconds(2));
    assertThat(HeraldServer.DEFAULT_WORKER_THREADS).isEqualTo(200);
  }
}
