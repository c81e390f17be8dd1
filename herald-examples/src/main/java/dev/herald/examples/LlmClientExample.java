package dev.herald.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.client.EventSource;
import dev.herald.client.EventStream;
import dev.herald.client.HeraldClientException;
import dev.herald.client.ReconnectPolicy;
import dev.herald.core.MessageEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Consumes an LLM-style streaming API with {@code herald-client}: POST a JSON prompt, read the
 * answer as server-sent events of {@code {"token": …}}, stop at {@code [DONE]}. By default it
 * talks to the examples server's {@code POST /complete}.
 *
 * <p>Usage: {@code LlmClientExample PROMPT [URL]}; without arguments it prints the usage line to
 * stderr and exits 2, and an answer that fails (e.g. no server at the URL) is one line on stderr
 * and exit 1.
 */
public final class LlmClientExample {
  static final String DEFAULT_URL = "http://127.0.0.1:8080/complete";
  static final String USAGE = "usage: LlmClientExample PROMPT [URL]  (URL defaults to " + DEFAULT_URL + ")";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LlmClientExample() {}

  /** Streams the answer to {@code args[0]} from {@code args[1]} (default the local examples server). */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The command line: 0 when the answer was streamed, 1 when it failed, 2 for bad arguments. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 1 || args.length > 2 || args[0].equals("-h") || args[0].equals("--help")) {
      err.println(USAGE);
      return 2;
    }
    URI url;
    try {
      url = URI.create(args.length > 1 ? args[1] : DEFAULT_URL);
      EventSource.builder(url); // validates the scheme
    } catch (IllegalArgumentException e) {
      err.println("LlmClientExample: bad URL: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      String answer = complete(url, args[0], token -> {
        out.print(token);
        out.flush();
      });
      out.println();
      out.println("(" + answer.length() + " characters)");
      return 0;
    } catch (HeraldClientException | UncheckedIOException e) {
      out.flush();
      err.println("LlmClientExample: " + e.getMessage());
      return 1;
    }
  }

  /** Sends {@code prompt} to {@code url}, hands each token to {@code onToken}, returns the whole answer. */
  static String complete(URI url, String prompt, Consumer<String> onToken) {
    StringBuilder answer = new StringBuilder();
    // README-client:begin
    try (EventStream events = EventSource.builder(url)
        .post(json(Map.of("prompt", prompt)))
        .header("Content-Type", "application/json")
        .reconnectPolicy(ReconnectPolicy.never())   // a completion is one request, not a feed
        .stream()) {
      for (MessageEvent event : events) {
        if (event.data().equals("[DONE]")) {
          break;
        }
        String token = field(event.data(), "token");
        answer.append(token);
        onToken.accept(token);
      }
    }
    // README-client:end
    return answer.toString();
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String field(String json, String name) {
    try {
      JsonNode node = JSON.readTree(json);
      return node.path(name).asText();
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }
}
