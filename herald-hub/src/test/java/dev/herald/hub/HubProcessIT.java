package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub as a user runs it: the packaged jar as a separate process. A hard kill ({@code kill -9})
 * in the middle of a publishing stream loses no acknowledged event, and SIGTERM drains and exits 0.
 */
class HubProcessIT {
  private static final Pattern LISTENING = Pattern.compile("Herald hub listening on (http://\\S+/)");

  @TempDir Path data;
  private final List<Process> processes = new ArrayList<>();

  /** A started hub process and the lines it printed. */
  private static final class HubProcess {
    final Process process;
    final URI uri;
    final List<String> output = new CopyOnWriteArrayList<>();
    Thread pump;

    HubProcess(Process process, URI uri) {
      this.process = process;
      this.uri = uri;
    }
  }

  private HubProcess start(String... extra) throws IOException {
    Path jar = Paths.get(System.getProperty("herald.hub.jar", "target/herald-hub.jar"));
    assertThat(Files.isRegularFile(jar)).as("packaged jar at " + jar).isTrue();
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "serve", "--port", "0", "--data-dir", data.toString()));
    command.addAll(List.of(extra));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = out.readLine()) != null; ) {
      seen.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        HubProcess hub = new HubProcess(p, URI.create(m.group(1)));
        hub.output.addAll(seen);
        Thread pump = new Thread(() -> {
          try {
            for (String l; (l = out.readLine()) != null; ) {
              hub.output.add(l);
            }
          } catch (IOException ignored) {
            // the process ended
          }
        }, "hub-output");
        pump.setDaemon(true);
        pump.start();
        hub.pump = pump;
        return hub;
      }
    }
    throw new AssertionError("hub did not print its URL: " + seen);
  }

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void killDashNineLosesNoAcknowledgedEvent() throws Exception {
    HubProcess first = start();
    Map<Long, String> acked = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch enoughAcked = new CountDownLatch(500);
    Thread publisher = new Thread(() -> {
      for (int n = 0; !stop.get(); n++) {
        HttpResponse<String> r;
        try {
          r = HubHttp.postForm(first.uri, HubHttp.form("topic", "crash/stream", "data", "event-" + n));
        } catch (RuntimeException e) {
          return; // the hub is gone: this publish was never acknowledged
        }
        if (r.statusCode() == 200) {
          acked.put(Long.parseLong(HubHttp.json(r).get("id").asText()), "event-" + n);
          enoughAcked.countDown();
        }
      }
    }, "publisher");
    publisher.start();
    assertThat(enoughAcked.await(60, TimeUnit.SECONDS)).as("500 acknowledged before the kill").isTrue();
    first.process.destroyForcibly(); // SIGKILL, while the publisher is still sending
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    publisher.join(30_000);
    assertThat(publisher.isAlive()).as("publisher ended").isFalse();

    HubProcess second = start();
    long lastAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    List<MessageEvent> replayed = new ArrayList<>();
    try (SseTestClient sub = HubHttp.subscribe(second.uri, "topic=crash/**", "earliest")) {
      while (replayed.isEmpty() || Long.parseLong(replayed.get(replayed.size() - 1).lastEventId()) < lastAcked) {
        replayed.add(sub.next());
      }
    }
    List<Long> ids = new ArrayList<>();
    for (MessageEvent e : replayed) {
      ids.add(Long.parseLong(e.lastEventId()));
    }
    assertThat(ids).as("strictly increasing: in order, no duplicates").isSorted().doesNotHaveDuplicates();
    for (Map.Entry<Long, String> a : acked.entrySet()) {
      int at = ids.indexOf(a.getKey());
      assertThat(at).as("acknowledged id " + a.getKey() + " replayed").isNotNegative();
      assertThat(replayed.get(at).data()).isEqualTo(a.getValue());
    }
    long next = HubHttp.publish(second.uri, "crash/stream", "after restart");
    assertThat(next).as("ids continue above everything before the crash").isGreaterThan(ids.get(ids.size() - 1));
  }

  @Test
  void aSecondHubOnTheSameDataDirectoryRefusesToStartUntilTheFirstIsKilled() throws Exception {
    HubProcess first = start();
    long id = HubHttp.publish(first.uri, "lock/a", "first hub's event");
    Path jar = Paths.get(System.getProperty("herald.hub.jar", "target/herald-hub.jar"));
    Process second = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "serve", "--port", "0", "--data-dir", data.toString()).redirectErrorStream(true).start();
    processes.add(second);
    String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains("herald serve: cannot start: --data-dir " + data.toAbsolutePath().normalize())
        .contains("in use by another hub").doesNotContain("Herald hub listening");
    assertThat(HubHttp.publish(first.uri, "lock/a", "still the only writer")).isEqualTo(id + 1);

    first.process.destroyForcibly(); // SIGKILL: the OS releases the lock with the process
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    HubProcess third = start();
    assertThat(HubHttp.publish(third.uri, "lock/a", "after the kill")).isGreaterThan(id + 1);
  }

  @Test
  void sigtermDrainsSubscribersAndExitsZero() throws Exception {
    HubProcess hub = start("--retry", "1500ms");
    try (SseTestClient sub = HubHttp.subscribe(hub.uri, "topic=drain/*")) {
      sub.awaitRetry();
      long id = HubHttp.publish(hub.uri, "drain/a", "before shutdown");
      assertThat(sub.next().lastEventId()).isEqualTo(Long.toString(id));
      // SIGTERM through kill(1): Process.destroy() would also close our end of its output
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(hub.process.pid())).start().waitFor()).isZero();
      assertThat(sub.awaitEnd()).as("stream ended by the drain").isTrue();
      assertThat(sub.retries()).as("a retry hint before the end").isNotEmpty();
    }
    assertThat(hub.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(hub.process.exitValue()).isZero();
    hub.pump.join(30_000); // its output ended with the process
    assertThat(hub.pump.isAlive()).isFalse();
    assertThat(hub.output).anyMatch(l -> l.contains("Herald hub stopped"));
  }
}
