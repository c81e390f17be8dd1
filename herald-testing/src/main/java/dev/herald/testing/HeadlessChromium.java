package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Drives Debian's headless Chromium through {@code chromedriver}'s W3C WebDriver HTTP API with the
 * JDK's HTTP client: start a session, open a page, run scripts in it. Just enough for browser
 * tests, so no Selenium dependency is needed. One instance per test class; not thread-safe.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** Where Debian's {@code chromium} package puts the browser. */
  public static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  /** Where Debian's {@code chromium-driver} package puts the driver. */
  public static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final Process driver;
  private final URI base;
  private final Path profile;
  private final String session;

  private HeadlessChromium(Process driver, URI base, Path profile) throws IOException, InterruptedException {
    this.driver = driver;
    this.base = base;
    this.profile = profile;
    this.session = startSession();
  }

  /**
   * Why browser tests cannot run here, or empty when Chromium and chromedriver are installed. A
   * test skips with this message. Under CI ({@code CI=true} in the environment) a missing
   * browser is not a reason to skip but a broken install: this throws {@link AssertionError}
   * instead, so the test fails.
   *
   * @throws AssertionError under CI when Chromium or chromedriver is missing
   */
  public static Optional<String> unavailable() {
    return unavailable(System.getenv(), Files::isExecutable);
  }

  /** {@link #unavailable()} for a given environment and executable-file check (for tests). */
  static Optional<String> unavailable(Map<String, String> environment, Predicate<Path> executable) {
    List<Path> missing = new ArrayList<>();
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!executable.test(p)) {
        missing.add(p);
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    String what = "Debian's chromium and chromium-driver (missing: " + missing + ")";
    if (isCi(environment)) {
      throw new AssertionError("headless browser test cannot run: needs " + what
          + "; CI=true, so this fails instead of skipping (.ci/run should have installed them)");
    }
    return Optional.of("headless browser test skipped: needs " + what + "; .ci/run installs them"
        + " (with CI=true a missing browser fails the test)");
  }

  /** Whether {@code environment} says this is a CI run: {@code CI} is {@code true} (any case) or {@code 1}. */
  static boolean isCi(Map<String, String> environment) {
    String ci = environment.getOrDefault("CI", "").trim();
    return ci.equalsIgnoreCase("true") || ci.equals("1");
  }

  /** Starts chromedriver on a free port and a headless Chromium session with a fresh profile. */
  public static HeadlessChromium start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    URI base = URI.create("http://127.0.0.1:" + port + "/");
    HttpClient probe = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // generous: a busy machine starts it slowly
    while (true) {
      try {
        probe.send(HttpRequest.newBuilder(base.resolve("status")).build(), HttpResponse.BodyHandlers.discarding());
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !driver.isAlive()) {
          driver.destroyForcibly();
          throw new IOException("chromedriver did not start on port " + port, e);
        }
        Thread.sleep(100);
      }
    }
    return new HeadlessChromium(driver, base, Files.createTempDirectory("herald-chromium"));
  }

  private String startSession() throws IOException, InterruptedException {
    Map<String, Object> options = Map.of(
        "binary", CHROMIUM.toString(),
        "args", List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-quic", "--user-data-dir=" + profile));
    Map<String, Object> caps = Map.of("capabilities",
        Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options)));
    return call("POST", "session", caps).get("sessionId").asText();
  }

  /** Opens {@code url} and waits for the page to load. */
  public void open(URI url) throws IOException, InterruptedException {
    call("POST", "session/" + session + "/url", Map.of("url", url.toString()));
  }

  /** Runs {@code script} (a function body; {@code arguments} holds {@code args}) and returns its value. */
  public JsonNode script(String script, Object... args) throws IOException, InterruptedException {
    return call("POST", "session/" + session + "/execute/sync", Map.of("script", script, "args", List.of(args)));
  }

  /** The text of the first element matching {@code css}, or "" when there is none. */
  public String text(String css) throws IOException, InterruptedException {
    return script("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css).asText();
  }

  private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
          .header("Content-Type", "application/json");
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode reply = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      throw new IOException("WebDriver " + method + " " + path + " failed: " + response.body());
    }
    return reply.path("value");
  }

  /** Ends the session, stops chromedriver and deletes the profile directory. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      call("DELETE", "session/" + session, null);
    } finally {
      driver.destroy();
      driver.waitFor();
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
