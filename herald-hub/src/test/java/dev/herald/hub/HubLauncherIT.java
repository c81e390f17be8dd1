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
    Files.createDirectories(root.resolve("herald-hub/target"));
    Files.createSymbolicLink(root.resolve("herald-hub/target/herald-hub.jar"), jar);

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
}
