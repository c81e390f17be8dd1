package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** herald-client consuming the examples server's LLM-style POST stream, over a real socket. */
class LlmClientExampleTest {
  @Test
  void streamsEveryTokenUntilDone() {
    try (Examples examples = Examples.start("127.0.0.1", 0, ExampleTimings.fast())) {
      List<String> tokens = new ArrayList<>();
      String answer = LlmClientExample.complete(examples.uri().resolve("/complete"), "Why Herald?", tokens::add);
      assertThat(tokens).isEqualTo(CompletionExample.answer("Why Herald?"));
      assertThat(answer).startsWith("You asked: \"Why Herald?\"");
    }
  }

  @Test
  void withoutArgumentsPrintsUsageAndExits2() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = LlmClientExample.run(new String[0], print(out), print(err));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(LlmClientExample.USAGE + System.lineSeparator());
    assertThat(out.size()).isZero();
  }

  @Test
  void badUrlIsUsageErrorAndUnreachableServerIsOneLine() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(LlmClientExample.run(new String[] {"hi", "ftp://x/"}, print(new ByteArrayOutputStream()), print(err))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad URL").contains(LlmClientExample.USAGE);

    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    ByteArrayOutputStream err2 = new ByteArrayOutputStream();
    int status = LlmClientExample.run(new String[] {"hi", "http://127.0.0.1:" + port + "/complete"},
        print(new ByteArrayOutputStream()), print(err2));
    assertThat(status).isEqualTo(1);
    String text = err2.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("LlmClientExample: ").doesNotContain("\tat ");
    assertThat(text.lines()).hasSize(1);
  }

  @Test
  void runStreamsTheAnswerToStdout() {
    try (Examples examples = Examples.start("127.0.0.1", 0, ExampleTimings.fast())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = LlmClientExample.run(new String[] {"Why Herald?", examples.uri().resolve("/complete").toString()},
          print(out), print(new ByteArrayOutputStream()));
      assertThat(status).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("You asked: \"Why Herald?\"").contains(" characters)");
    }
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
