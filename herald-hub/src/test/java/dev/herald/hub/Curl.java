package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code curl} binary as a Mercure publisher: a form POST to {@code /.well-known/mercure}
 * with {@code --data-urlencode} per field and the token in {@code Authorization: Bearer}.
 */
final class Curl {
  private Curl() {}

  /**
   * Why curl cannot run here (a test skips with it), or empty when it can. Under CI
   * ({@code CI=true} or {@code 1}) a missing curl fails instead.
   */
  static Optional<String> unavailable() {
    try {
      Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Optional.empty();
      }
    } catch (IOException e) {
      // not installed: below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String ci = System.getenv().getOrDefault("CI", "").trim();
    if (ci.equalsIgnoreCase("true") || ci.equals("1")) {
      throw new AssertionError("curl is not installed; CI=true, so this fails instead of skipping");
    }
    return Optional.of("curl is not installed: skipped (with CI=true a missing curl fails the test)");
  }

  /** What curl printed: the status, the {@code Content-Type} and the body. */
  record Answer(int status, String contentType, String body) {}

  /** POSTs the Mercure form {@code pairs} (name, value, …) to {@code hub}'s Mercure URL with {@code token}. */
  static Answer publish(URI hub, String token, String... pairs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "60",
        "--header", "Authorization: Bearer " + token, "--write-out", "\n%{http_code}\n%{content_type}"));
    for (int i = 0; i < pairs.length; i += 2) {
      command.add("--data-urlencode");
      command.add(pairs[i] + "=" + pairs[i + 1]);
    }
    command.add(hub.resolve(MercureHttp.PATH).toString());
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("curl ended").isTrue();
    assertThat(p.exitValue()).as("curl's exit status; it printed %s", out).isZero();
    int type = out.lastIndexOf('\n');
    int status = out.lastIndexOf('\n', type - 1);
    return new Answer(Integer.parseInt(out.substring(status + 1, type)), out.substring(type + 1),
        out.substring(0, status));
  }

  /** {@link #publish}, failing unless the hub answered 200 with a {@code text/plain} id; returns that id. */
  static String published(URI hub, String token, String... pairs) throws IOException, InterruptedException {
    Answer a = publish(hub, token, pairs);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.contentType()).startsWith("text/plain");
    return a.body();
  }
}
