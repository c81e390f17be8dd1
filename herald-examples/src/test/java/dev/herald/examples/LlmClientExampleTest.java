package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

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
}
