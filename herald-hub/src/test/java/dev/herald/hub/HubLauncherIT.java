package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code herald} launcher script as a user runs it: JVM options from {@code JAVA_OPTS} reach
 * {@code java}. It runs from a copy of the script beside the packaged jar (and no sources, so
 * the launcher never rebuilds).
 */
class HubLauncherIT {
  @TempDir Path root;

  @Test
  void javaOptsReachTheJvm() throws Exception {
    Path jar = Paths.get(System.getProperty("herald.hub.jar", "target/herald-hub.jar")).toAbsolutePath();
    assertThat(Files.isRegularFile(jar)).as("packaged jar at " + jar).isTrue();
    Path script = root.resolve("herald");
    Files.copy(Paths.get("..", "herald"), script);
    Files.createDirectories(root.resolve("herald-redis/target"));
    Files.createSymbolicLink(root.resolve("herald-redis/target/herald.jar"), jar); // where ./herald looks

    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "serve", "--help").redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", " -Xmx96m  -XX:+PrintCommandLineFlags ");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("-XX:MaxHeapSize=" + 96 * 1024 * 1024).contains("--max-body")
        .doesNotContain("building");
  }

  @Test
  void tokenAndCheckRunThroughTheLauncher() throws Exception {
    Path script = launcher();
    String secret = "launcher-secret-0123456789-abcdefghijklmno";
    Result token = run(script, secret, "token", "--publish", "chat/*", "--ttl", "1h");
    assertThat(token.exit).as(token.output).isZero();
    com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(token.output.strip());
    assertThat(jwt.verify(new com.nimbusds.jose.crypto.MACVerifier(secret))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getJSONObjectClaim("mercure")).containsEntry("publish", java.util.List.of("chat/*"));

    Result ok = run(script, secret, "serve", "--check", "--host", "0.0.0.0");
    assertThat(ok.exit).as(ok.output).isZero();
    assertThat(ok.output).startsWith("herald serve --check: the configuration is valid");
    Result bad = run(script, "short", "serve", "--check", "--host", "0.0.0.0");
    assertThat(bad.exit).as(bad.output).isEqualTo(2);
    assertThat(bad.output).startsWith("herald serve --check: 1 problem:").contains("--jwt-key: the HMAC secret");
  }

  private static final class Result {
    final int exit;
    final String output;

    Result(int exit, String output) {
      this.exit = exit;
      this.output = output;
    }
  }

  private Result run(Path script, String secret, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", script.toString()));
    command.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(root.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("HERALD_JWT_KEY", secret);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  /** A copy of the launcher beside the packaged jar. */
  private Path launcher() throws Exception {
    Path jar = Paths.get(System.getProperty("herald.hub.jar", "target/herald-hub.jar")).toAbsolutePath();
    assertThat(Files.isRegularFile(jar)).as("packaged jar at " + jar).isTrue();
    Path script = root.resolve("herald");
    Files.copy(Paths.get("..", "herald"), script);
    Files.createDirectories(root.resolve("herald-redis/target"));
    Files.createSymbolicLink(root.resolve("herald-redis/target/herald.jar"), jar); // where ./herald looks
    return script;
  }
}
