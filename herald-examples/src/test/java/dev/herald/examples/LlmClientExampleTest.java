package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.client.HeraldClientException;
import dev.herald.server.HeraldServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's JDK-only LLM client, over real sockets: against the examples server's
 * {@code POST /complete} and the README's {@link LlmServerExample}; its JSON helpers agree with
 * Jackson on every character.
 */
class LlmClientExampleTest {
  /** Quotes, backslashes, control characters and non-ASCII: a body built without escaping would be refused. */
  private static final String AWKWARD = "Say \"hi\" \\ back\tté ☃ 😀 \u0001 </script>";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void streamsEveryTokenOfTheExamplesServerUntilDone() {
    try (Examples examples = Examples.start("127.0.0.1", 0, ExampleTimings.fast())) {
      List<String> tokens = new ArrayList<>();
      LlmClientExample.complete(examples.uri().resolve("/complete"), AWKWARD, tokens::add);
      assertThat(tokens).isEqualTo(CompletionExample.answer(AWKWARD.trim()));
    }
  }

  @Test
  void readsTheReadmeLlmServerToTheEnd() {
    HeraldServer server = LlmServerExample.start(0, Duration.ZERO);
    try {
      List<String> tokens = new ArrayList<>();
      LlmClientExample.complete(server.uri().resolve("/complete"), AWKWARD, tokens::add);
      assertThat(String.join("", tokens)).isEqualTo("You asked: " + AWKWARD + ". This answer came one token at a time.");
      assertThat(tokens).startsWith("You ", "asked: ").endsWith("time.");
    } finally {
      server.close();
    }
  }

  @Test
  void quoteAndUnquoteAgreeWithJacksonOnEveryCharacter() throws Exception {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0xD800; c++) {
      every.append(c);
    }
    every.append("😀\uFFFD\uFFFF");
    for (String text : List.of("", "plain", AWKWARD, "\\u006e is not n", every.toString())) {
      assertThat(JSON.readValue(LlmClientExample.quote(text), String.class)).isEqualTo(text);
      String event = JSON.writeValueAsString(Map.of("token", text));
      assertThat(LlmClientExample.unquote(event.substring(event.indexOf(':') + 1))).isEqualTo(text);
    }
    // escapes Jackson does not write but JSON allows, in any case of hex digit
    assertThat(LlmClientExample.unquote(" \"\\u006E\\/\\b\\f\\n\\r\\t\\\"\\\\\\ud83D\\ude00\"}"))
        .isEqualTo("n/\b\f\n\r\t\"\\😀");
  }

  @Test
  void aServerThatIsNotThereIsAClientException() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    URI url = URI.create("http://127.0.0.1:" + port + "/complete");
    assertThatThrownBy(() -> LlmClientExample.complete(url, "hi", token -> { }))
        .isInstanceOf(HeraldClientException.class)
        .hasMessageContaining(url.toString());
  }
}
