package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code herald serve --store redis} processes (the packaged herald.jar, as {@code ./herald
 * serve} runs it) on one password-protected Redis with AOF: what any node accepts every node's
 * subscribers get, in id order; a client resumes on another node with an id from the first; each
 * node logs Redis's persistence and never the password.
 */
class RedisProcessIT {
  static final Pattern LISTENING = Pattern.compile("Herald hub listening on (http://\\S+/)");
  static final String PASSWORD = "pw-" + Long.toHexString(System.nanoTime());

  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();
  final List<List<String>> outputs = new ArrayList<>();
  final List<SseTestClient> clients = new ArrayList<>();
  RedisServer redis;

  @AfterEach
  void stopAll() throws Exception {
    clients.forEach(SseTestClient::close);
    processes.forEach(Process::destroyForcibly);
    for (Process p : processes) {
      p.waitFor();
    }
    if (redis != null) {
      redis.close();
    }
  }

  URI node(String name, boolean passwordInUrl) throws IOException {
    Path jar = Paths.get(System.getProperty("herald.jar", "target/herald.jar"));
    assertThat(Files.isRegularFile(jar)).as("packaged jar at " + jar).isTrue();
    String url = passwordInUrl ? "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port() + "/0" : redis.url() + "/0";
    ProcessBuilder pb = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-jar", jar.toString(), "serve", "--port", "0", "--data-dir", dir.resolve(name).toString(),
        "--store", "redis", "--redis-url", url).redirectErrorStream(true);
    if (!passwordInUrl) {
      pb.environment().put("HERALD_REDIS_PASSWORD", PASSWORD);
    }
    Process p = pb.start();
    processes.add(p);
    List<String> output = new CopyOnWriteArrayList<>();
    outputs.add(output);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      output.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find() && !line.contains(" INFO ")) { // HubMain's own line, printed once the hub is up
        Thread pump = new Thread(() -> {
          try {
            for (String l; (l = out.readLine()) != null; ) {
              output.add(l);
            }
          } catch (IOException ignored) {
            // the process ended
          }
        }, "hub-output-" + name);
        pump.setDaemon(true);
        pump.start();
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("hub " + name + " did not print its URL: " + output);
  }

  SseTestClient subscribe(URI hub, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve("/events?topic=p/*")).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = SseTestClient.open(b.GET().build());
    clients.add(c);
    assertThat(c.response().statusCode()).isEqualTo(200);
    return c;
  }

  static String publish(URI hub, String topic, String data) throws Exception {
    HttpResponse<String> r = SseTestClient.HTTP.send(HttpRequest.newBuilder(hub.resolve("/publish"))
        .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString("topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8)
            + "&data=" + URLEncoder.encode(data, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return RedisClusterTest.JSON.readTree(r.body()).get("id").asText();
  }

  @Test
  void threeNodesShareOneHistory() throws Exception {
    redis = RedisFixture.start("--appendonly", "yes", "--appendfsync", "always", "--requirepass", PASSWORD);
    List<URI> nodes = List.of(node("n1", true), node("n2", false), node("n3", true));
    List<SseTestClient> subs = List.of(subscribe(nodes.get(1), null), subscribe(nodes.get(2), null));
    List<String> ids = new ArrayList<>();
    List<String> data = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      data.add("event " + i + " via node " + (i % 3 + 1));
      ids.add(publish(nodes.get(i % 3), "p/" + (i % 4), data.get(i)));
    }
    for (SseTestClient s : subs) {
      List<MessageEvent> got = s.next(30);
      assertThat(got).extracting(MessageEvent::lastEventId).containsExactlyElementsOf(ids);
      assertThat(got).extracting(MessageEvent::data).containsExactlyElementsOf(data);
    }
    for (int i = 1; i < ids.size(); i++) {
      assertThat(RedisIds.positionOf(ids.get(i))).isGreaterThan(RedisIds.positionOf(ids.get(i - 1)));
    }
    SseTestClient resumed = subscribe(nodes.get(2), ids.get(9)); // an id node 1 gave
    assertThat(resumed.next(20)).extracting(MessageEvent::lastEventId).containsExactlyElementsOf(ids.subList(10, 30));
    String marker = publish(nodes.get(0), "p/end", "marker");
    assertThat(resumed.next().lastEventId()).as("nothing more before the live marker").isEqualTo(marker);
    for (List<String> output : outputs) {
      assertThat(String.join("\n", output)).contains("appendonly=yes appendfsync=always: an acknowledged publish survives"
          + " a Redis crash").doesNotContain(PASSWORD);
    }
  }
}
