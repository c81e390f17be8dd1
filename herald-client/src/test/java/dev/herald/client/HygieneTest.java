package dev.herald.client;

import static dev.herald.client.TestServer.sseOpen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Opening and closing many sources (on the JDK client and on the raw HTTP/1.1 path) leaves no
 * thread and no socket behind. Only what the client
 * creates is counted: threads named {@code herald-client*} (its pool and timer) or
 * {@code HttpClient-*} (the JDK client's), and the process's socket descriptors; other tests and
 * the build tool may start and stop threads and open files meanwhile without changing the verdict.
 */
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
      await().atMost(Duration.ofSeconds(30)).until(() -> server.clientCloses() == 1);
      Set<Thread> before = clientThreads();
      int sockets = openSockets();

      for (int i = 0; i < SOURCES; i++) {
        Recorder recorder = new Recorder();
        EventSource.Builder builder = EventSource.builder(server.uri());
        if (i % 3 == 0) {
          builder.lastEventId("\u00e9\u2603"); // the RawHttp path: a connection and a reading thread of its own
        }
        EventSource source = builder.connect(recorder);
        if (i % 2 == 0) {
          recorder.events(1); // open and streaming
        } // else closed while connecting
        source.close();
        assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
      }

      // idle pool threads end after Shared.IDLE_SECONDS; every thread the loop started must end
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        Set<Thread> started = clientThreads();
        started.removeAll(before);
        assertThat(started.stream().map(Thread::getName).collect(Collectors.toList())).as("client threads started and still alive")
            .isEmpty();
        assertThat(openSockets()).as("open sockets (before: %d)", sockets).isLessThanOrEqualTo(sockets);
      });
    }
  }

  private static Set<Thread> clientThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && (t.getName().startsWith("herald-client") || t.getName().startsWith("HttpClient-"))) {
        threads.add(t);
      }
    }
    return threads;
  }

  /** Socket descriptors of this process (the client's connections and the test server's). */
  private static int openSockets() throws IOException {
    int count = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
            count++;
          }
        } catch (IOException gone) {
          // closed while listing
        }
      }
    }
    return count;
  }
}
