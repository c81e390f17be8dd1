package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The front door as a user meets it: the packaged jar started as a process with {@code --port 0}
 * prints its URL, and {@code GET /counter} (what {@code curl -N} shows) gives 10 events at the
 * real one-second pace and ends; SIGTERM closes the open streams and exits 0, like the hub.
 */
class ExamplesJarIT {
  private static final Pattern LISTENING = Pattern.compile("Herald examples listening on (http://\\S+/)");

  @Test
  void jarServesTheCounterOnAFreePort() throws Exception {
    Process process = startJar();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      URI base = awaitListening(out);
      try (SseTestClient client = SseTestClient.get(base.resolve("/counter"))) {
        List<MessageEvent> events = client.next(10);
        assertThat(events.get(9).data()).isEqualTo("{\"num\": 10}");
        assertThat(client.awaitEnd()).isTrue();
      }
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
    }
  }

  @Test
  void sigtermClosesTheStreamsAndExitsZero() throws Exception {
    Process process = startJar();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      URI base = awaitListening(out);
      List<String> later = new CopyOnWriteArrayList<>();
      Thread pump = new Thread(() -> out.lines().forEach(later::add), "examples-output");
      pump.setDaemon(true);
      pump.start();
      try (SseTestClient listener = SseTestClient.get(base.resolve("/stream"))) {
        assertThat(listener.response().statusCode()).isEqualTo(200);
        // SIGTERM through kill(1): Process.destroy() would also close our end of its output
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
        assertThat(listener.awaitEnd()).as("the open stream is closed by the stop").isTrue();
      }
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
      assertThat(process.exitValue()).as("exit code after SIGTERM").isZero();
      pump.join(10_000);
      assertThat(later).anyMatch(l -> l.contains("Herald examples stopped"));
    } finally {
      process.destroyForcibly();
    }
  }

  /** Starts the packaged examples jar on a free port, its output merged into stdout. */
  private static Process startJar() throws IOException {
    Path jar = Paths.get(System.getProperty("herald.examples.jar", "target/herald-examples.jar"));
    assertThat(Files.isRegularFile(jar)).as("packaged jar at " + jar).isTrue();
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--port", "0")
        .redirectErrorStream(true)
        .start();
  }

  /** Reads the output up to the start-up line and returns the URL it names. */
  private static URI awaitListening(BufferedReader out) throws IOException {
    for (String line; (line = out.readLine()) != null; ) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("the examples ended before printing the start-up line with the URL");
  }
}
