package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real {@code nginx} (Debian's package) in front of hub nodes, for tests: its own prefix
 * directory, configuration, pid and error log in a directory the test owns, {@code daemon off},
 * listening on a free loopback port, proxying to an {@code upstream} of the given node ports with
 * the settings the README's "Run a cluster" shows ({@link #SITE_RESOURCE}, the one copy of that
 * text): no buffering, HTTP/1.1 keep-alive to the nodes, an hour's read timeout, the next node on
 * a connect error. A test checks {@link #unavailable()} first and skips with its message; under
 * {@code CI=true} a missing binary fails instead.
 */
public final class Nginx implements AutoCloseable {
  /** Where Debian's {@code nginx} package puts the server. */
  public static final Path BINARY = Path.of("/usr/sbin/nginx");
  /** The class-path resource holding the site configuration the README quotes (ports 8080, 8091-8093). */
  public static final String SITE_RESOURCE = "/dev/herald/testing/herald-nginx.conf";

  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final String LISTEN = "    listen 127.0.0.1:8080;\n";

  private final Path dir;
  private final int port;
  private final Process process;

  private Nginx(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Why nginx tests cannot run here, or empty when {@code nginx} is installed. Under CI
   * ({@code CI=true}) a missing server is a broken install: this throws {@link AssertionError}.
   *
   * @throws AssertionError under CI when nginx is missing
   */
  public static Optional<String> unavailable() {
    return unavailable(System.getenv(), Files::isExecutable);
  }

  static Optional<String> unavailable(Map<String, String> environment, Predicate<Path> executable) {
    if (executable.test(BINARY)) {
      return Optional.empty();
    }
    String what = "Debian's nginx (missing: " + BINARY + ")";
    if (HeadlessChromium.isCi(environment)) {
      throw new AssertionError("nginx test cannot run: needs " + what
          + "; CI=true, so this fails instead of skipping (.ci/run should have installed it)");
    }
    return Optional.of("nginx test skipped: needs " + what + "; .ci/run installs it (with CI=true it fails)");
  }

  /** The site configuration as the README shows it (listening on 8080, nodes on 8091 to 8093). */
  public static String siteTemplate() {
    try (InputStream in = Nginx.class.getResourceAsStream(SITE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + SITE_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The site configuration for nginx listening on {@code listenPort} in front of nodes on
   * {@code nodePorts}: the README's text with only the ports changed.
   */
  public static String site(int listenPort, List<Integer> nodePorts) {
    if (nodePorts.isEmpty()) {
      throw new IllegalArgumentException("at least one node port is needed");
    }
    String template = siteTemplate();
    String serverLine = "    server 127.0.0.1:8091 max_fails=1 fail_timeout=5s;\n";
    int first = template.indexOf(serverLine);
    int end = template.indexOf("    keepalive ", first);
    if (first < 0 || end < 0 || !template.contains(LISTEN)) {
      throw new IllegalStateException(SITE_RESOURCE + " no longer has the lines the fixture replaces");
    }
    String servers = nodePorts.stream().map(p -> serverLine.replace("8091", Integer.toString(p)))
        .collect(Collectors.joining());
    return (template.substring(0, first) + servers + template.substring(end))
        .replace(LISTEN, "    listen 127.0.0.1:" + listenPort + ";\n");
  }

  /**
   * The main configuration around the site: one worker, {@code daemon off}, pid, error log and
   * temporary files in {@code dir}, no access log; {@code user root} only matters (and is only
   * written) when the test runs as root, so the worker can use the test's private directory.
   */
  static String main(Path dir, String site, boolean root) {
    Path d = dir.toAbsolutePath();
    return String.join("\n",
        "daemon off;",
        root ? "user root;" : "",
        "worker_processes 1;",
        "worker_rlimit_nofile 16384;",
        "pid " + d.resolve("nginx.pid") + ";",
        "error_log " + d.resolve("error.log") + " notice;",
        "events { worker_connections 8192; }",
        "http {",
        "    access_log off;",
        "    client_body_temp_path " + d.resolve("client_body") + ";",
        "    proxy_temp_path " + d.resolve("proxy") + ";",
        "    fastcgi_temp_path " + d.resolve("fastcgi") + ";",
        "    uwsgi_temp_path " + d.resolve("uwsgi") + ";",
        "    scgi_temp_path " + d.resolve("scgi") + ";",
        site,
        "}",
        "");
  }

  /**
   * Starts nginx on a free loopback port with its files in {@code dir}, proxying to the nodes on
   * {@code nodePorts} (which need not be up yet), and waits until it accepts connections.
   */
  public static Nginx start(Path dir, List<Integer> nodePorts) throws IOException, InterruptedException {
    Objects.requireNonNull(dir, "dir == null");
    Files.createDirectories(dir);
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) { // a free port may be taken before nginx binds it
      int port = freePort();
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, main(dir, site(port, nodePorts), "root".equals(System.getProperty("user.name"))));
      Process p = new ProcessBuilder(BINARY.toString(), "-p", dir.toAbsolutePath().toString(), "-c", conf.toString(),
          "-e", dir.resolve("error.log").toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("nginx.out").toFile()).start();
      Nginx n = new Nginx(dir, port, p);
      try {
        n.awaitListening();
        return n;
      } catch (IOException e) {
        n.close();
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

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("nginx exited with " + process.exitValue() + " before listening: "
            + Files.readString(dir.resolve("nginx.out")) + " (see " + dir.resolve("error.log") + ")");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IOException("nginx did not listen on port " + port + " within " + START_TIMEOUT_MILLIS + " ms");
        }
      }
      process.waitFor(20, TimeUnit.MILLISECONDS); // wakes early if it exits
    }
  }

  /** The loopback port nginx listens on. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>/}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Its error log, for a failing test's message. */
  public Path errorLog() {
    return dir.resolve("error.log");
  }

  /** Stops nginx (SIGTERM, then SIGKILL after 30 s) and waits for it and its worker to be gone. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    for (ProcessHandle c : children) {
      c.destroyForcibly();
    }
  }
}
