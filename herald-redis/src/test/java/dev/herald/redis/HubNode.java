package dev.herald.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One hub <em>process</em> for cluster tests: {@code java -cp <this JVM's test class path>
 * dev.herald.hub.HubMain serve --store redis --redis-url … --port 0 …}, so it runs the same in
 * surefire on a fresh clone (no jar needed). Its port comes from the start-up line
 * ({@code Herald hub listening on http://127.0.0.1:PORT/ …}); its output goes to a log file in
 * its directory. {@link #kill()} is {@code kill -9}; {@link #pause()}/{@link #resume()} are
 * SIGSTOP/SIGCONT; {@link #close()} kills it if it still runs.
 */
final class HubNode implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Herald hub listening on http://127\\.0\\.0\\.1:(\\d+)/");
  private static final long START_TIMEOUT_SECONDS = 60;

  final String name;
  private final Process process;
  private final Path log;
  private final int port;

  private HubNode(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The class path the node runs with: the test class path surefire set, else this JVM's. */
  static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * Starts node {@code name} on {@code redisUrl} with its data directory under {@code dir} and
   * {@code extra} options (e.g. {@code --heartbeat 200ms}); returns once it listens.
   */
  static HubNode start(Path dir, String name, String redisUrl, String... extra) throws IOException, InterruptedException {
    return start(dir, name, redisUrl, List.of(), extra);
  }

  /** Like {@link #start(Path, String, String, String...)} with more JVM options (e.g. a trust store). */
  static HubNode start(Path dir, String name, String redisUrl, List<String> jvmOptions, String... extra)
      throws IOException, InterruptedException {
    Path home = Files.createDirectories(dir.resolve(name));
    Path log = home.resolve("node.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", classPath(), "dev.herald.hub.HubMain", "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir",
        home.resolve("data").toString(), "--store", "redis", "--redis-url", redisUrl));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly)); // even if the test JVM ends abruptly
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(p, log, port), "node-" + name + "-log");
    pump.setDaemon(true);
    pump.start();
    try {
      return new HubNode(name, p, log, port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly().waitFor();
      throw new IOException("node " + name + " did not start: " + e + "; its log: " + Files.readString(log), e);
    }
  }

  /** Copies the node's output to its log, completing {@code port} at the start-up line (or failing at exit). */
  private static void pump(Process p, Path log, CompletableFuture<Integer> port) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        Matcher m = LISTENING.matcher(line);
        if (!port.isDone() && m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      port.completeExceptionally(e);
    }
    port.completeExceptionally(new IOException("the node exited before listening"));
  }

  int port() {
    return port;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** kill -9: the process dies at once, its connections reset. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP: the node freezes with its connections open. */
  void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** SIGCONT. */
  void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String sig) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill " + sig + " " + process.pid() + " failed");
    }
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public String toString() {
    return "node " + name + " (port " + port + ")";
  }
}
