package dev.herald.client;

import static dev.herald.client.TestServer.sseOpen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Opening and closing many sources leaves no thread and no file descriptor behind. */
class HygieneTest {
  private static final int SOURCES = 1000;

  @Test
  void thousandSourcesLeaveNothingBehind() throws Exception {
    try (TestServer server = new TestServer()) {
      server.fallback(sseOpen("data: hello\n\n"));
      // warm up the shared HTTP client and timer so they are part of the baseline
      Recorder warmup = new Recorder();
      EventSource first = EventSource.builder(server.uri()).connect(warmup);
      warmup.events(1);
      first.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> server.clientCloses() == 1);
      Thread.sleep(Shared.IDLE_SECONDS * 1000L + 500);
      int threads = Thread.getAllStackTraces().size();
      int fds = openFds();

      for (int i = 0; i < SOURCES; i++) {
        Recorder recorder = new Recorder();
        EventSource source = EventSource.builder(server.uri()).connect(recorder);
        if (i % 2 == 0) {
          recorder.events(1); // open and streaming
        } // else closed while connecting
        source.close();
        assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
      }

      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> {
            assertThat(Thread.getAllStackTraces().size()).as("live threads").isLessThanOrEqualTo(threads + 2);
            assertThat(openFds()).as("open file descriptors").isLessThanOrEqualTo(fds + 5);
          });
    }
  }

  private static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? 0 : fds.length;
  }
}
