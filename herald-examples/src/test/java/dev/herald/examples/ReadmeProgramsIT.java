package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's programs run the two ways the README says, as processes: from the packaged jar
 * ({@code java -cp herald-examples.jar dev.herald.examples.X}) and pasted from the README into a
 * file of their own ({@code java -cp herald-examples.jar X.java}), on port 0.
 */
class ReadmeProgramsIT {
  private static final Pattern LISTENING = Pattern.compile("^Listening on (http://\\S+)");
  private static final Path JAR = Paths.get(System.getProperty("herald.examples.jar", "target/herald-examples.jar"));

  @Test
  void llmClientReadsTheLlmServerFromTheJar() throws Exception {
    Process server = java("dev.herald.examples.LlmServerExample", "0");
    try {
      URI complete = awaitListening(server);
      assertThat(complete.getPath()).isEqualTo("/complete");
      Process client = java("dev.herald.examples.LlmClientExample", "What is SSE?", complete.toString());
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("client ends").isTrue();
      assertThat(output(client)).isEqualTo("You asked: What is SSE?. This answer came one token at a time.\n");
      assertThat(client.exitValue()).isZero();
    } finally {
      stop(server);
    }
  }

  @Test
  void llmClientWithoutAServerSaysSoOnOneLineAndExits1() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    Process client = java("dev.herald.examples.LlmClientExample", "hi", "http://127.0.0.1:" + port + "/complete");
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("client ends").isTrue();
    List<String> lines = output(client).lines().collect(Collectors.toList());
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("LlmClientExample: ");
    assertThat(client.exitValue()).isEqualTo(1);
  }

  @Test
  void theCountdownPastedFromTheReadmeRunsWithTheSourceLauncher(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Paths.get("").toAbsolutePath().resolveSibling("README.md"), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("^```java\\n(.*?)\\n```$", Pattern.DOTALL | Pattern.MULTILINE).matcher(readme);
    String program = null;
    while (block.find()) {
      if (block.group(1).contains("public class CountdownExample ")) {
        program = block.group(1);
      }
    }
    assertThat(program).as("the countdown program in README.md").isNotNull();
    Path file = Files.writeString(dir.resolve("CountdownExample.java"), program, StandardCharsets.UTF_8);
    Process server = java(file.toString(), "0");
    try {
      URI countdown = awaitListening(server);
      try (SseTestClient client = SseTestClient.get(countdown)) {
        assertThat(client.next(5).stream().map(MessageEvent::data).collect(Collectors.toList()))
            .containsExactly("5", "4", "3", "2", "1");
        assertThat(client.awaitEnd()).isTrue();
      }
    } finally {
      stop(server);
    }
  }

  /** {@code java -cp herald-examples.jar main args…}, output and errors merged. */
  private static Process java(String main, String... args) throws IOException {
    assertThat(Files.isRegularFile(JAR)).as("packaged jar at " + JAR).isTrue();
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", JAR.toString(), main));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static URI awaitListening(Process process) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = out.readLine()) != null; ) {
      seen.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("ended before printing 'Listening on URL': " + seen);
  }

  private static String output(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
  }
}
