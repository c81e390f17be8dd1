package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real {@code redis-server} (Debian's package) for tests: started on a free loopback port with
 * its files in a directory the test owns (no RDB snapshots unless asked), stopped or killed by
 * the test. A test that needs it checks {@link #unavailable()} first and skips with its message;
 * under {@code CI=true} a missing binary fails instead.
 */
public final class RedisServer implements AutoCloseable {
  /** Where Debian's {@code redis-server} package puts the server. */
  public static final Path BINARY = Path.of("/usr/bin/redis-server");

  private static final long START_TIMEOUT_MILLIS = 30_000;

  private final Path dir;
  private final List<String> extraArgs;
  private final int port;
  private Process process;

  private RedisServer(Path dir, List<String> extraArgs, int port) {
    this.dir = dir;
    this.extraArgs = List.copyOf(extraArgs);
    this.port = port;
  }

  /**
   * Why Redis tests cannot run here, or empty when {@code redis-server} is installed. Under CI
   * ({@code CI=true}) a missing server is a broken install: this throws {@link AssertionError}.
   *
   * @throws AssertionError under CI when redis-server is missing
   */
  public static Optional<String> unavailable() {
    return unavailable(System.getenv(), Files::isExecutable);
  }

  static Optional<String> unavailable(Map<String, String> environment, Predicate<Path> executable) {
    if (executable.test(BINARY)) {
      return Optional.empty();
    }
    String what = "Debian's redis-server (missing: " + BINARY + ")";
    if (HeadlessChromium.isCi(environment)) {
      throw new AssertionError("Redis test cannot run: needs " + what
          + "; CI=true, so this fails instead of skipping (.ci/run should have installed it)");
    }
    return Optional.of("Redis test skipped: needs " + what + "; .ci/run installs it (with CI=true it fails)");
  }

  /**
   * Starts {@code redis-server} on a free loopback port with {@code dir} as its working directory
   * ({@code --save ''}, {@code --appendonly no} unless {@code extraArgs} say otherwise, e.g.
   * {@code "--appendonly", "yes", "--appendfsync", "always"}) and waits until it answers PING.
   */
  public static RedisServer start(Path dir, String... extraArgs) throws IOException, InterruptedException {
    Objects.requireNonNull(dir, "dir == null");
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) { // a free port may be taken before redis binds it
      RedisServer s = new RedisServer(dir, List.of(extraArgs), freePort());
      try {
        s.launch();
        return s;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void launch() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--logfile", dir.resolve("redis-" + port + ".log").toString()));
    cmd.addAll(extraArgs);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".out").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + " before answering PING; see "
            + dir.resolve("redis-" + port + ".log"));
      }
      if (answersPing()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("redis-server did not answer PING on port " + port + " within " + START_TIMEOUT_MILLIS + " ms");
      }
      process.waitFor(20, TimeUnit.MILLISECONDS); // wakes early if it exits
    }
  }

  /** Whether the server answers {@code PING} now ({@code +PONG}, or {@code -NOAUTH} when it wants a password). */
  public boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64];
      int n = in.read(buf);
      String answer = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
      return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  /** The loopback port it listens on. */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Kills the server at once (SIGKILL), as a crash would, and waits for it to be gone. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Stops the server (SIGTERM: a clean shutdown) and waits for it to be gone. */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered, as a hung Redis. */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Lets a {@link #pause paused} server run again (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String sig) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill " + sig + " " + process.pid() + " failed");
    }
  }

  /** Starts it again on the same port and directory (after {@link #stop} or {@link #kill}). */
  public void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  /** Stops the server if it runs (resuming it first if it is paused). */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      try {
        resume();
      } catch (IOException e) {
        process.destroyForcibly();
      }
    }
    stop();
  }
}
