package dev.herald.examples;
// README-client:begin
import dev.herald.client.EventSource;
import dev.herald.client.EventStream;
import dev.herald.client.HeraldClientException;
import dev.herald.client.ReconnectPolicy;
import dev.herald.core.MessageEvent;
import java.net.URI;
import java.util.function.Consumer;

/** Reads an LLM-style answer: POSTs {"prompt": …}, prints each {"token": …} until [DONE]. JDK only. */
public class LlmClientExample {
  /** Asks {@code args[0]} (default "What is SSE?") of {@code args[1]} (default the local /complete). */
  public static void main(String[] args) {
    String prompt = args.length > 0 ? args[0] : "What is SSE?";
    try {
      complete(URI.create(args.length > 1 ? args[1] : "http://127.0.0.1:8080/complete"), prompt, System.out::print);
      System.out.println();
    } catch (HeraldClientException e) {   // e.g. nothing listens there: one line, exit 1
      System.err.println("LlmClientExample: " + e.getMessage());
      System.exit(1);
    }
  }

  /** POSTs {@code prompt} to {@code url} and hands each token to {@code onToken} until [DONE]. */
  public static void complete(URI url, String prompt, Consumer<String> onToken) {
    try (EventStream events = EventSource.builder(url)
        .post("{\"prompt\": " + quote(prompt) + "}")
        .header("Content-Type", "application/json")
        .reconnectPolicy(ReconnectPolicy.never())   // a completion is one request, not a feed
        .stream()) {
      for (MessageEvent event : events) {
        if (event.data().equals("[DONE]")) {
          break;
        }
        onToken.accept(unquote(event.data().substring(event.data().indexOf(':') + 1)));   // {"token": "…"}
      }
    }
  }

  /** {@code text} as a JSON string: quote, backslash and control characters escaped. */
  static String quote(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      json.append(c == '"' || c == '\\' ? "\\" + c : c < ' ' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return json.append('"').toString();
  }

  /** The first JSON string in {@code json}, its escapes decoded. */
  static String unquote(String json) {
    StringBuilder text = new StringBuilder();
    for (int i = json.indexOf('"') + 1; json.charAt(i) != '"'; i++) {
      char c = json.charAt(i);
      if (c == '\\') {
        c = json.charAt(++i);
        if (c == 'u') {
          c = (char) Integer.parseInt(json.substring(i + 1, i + 5), 16);
          i += 4;
        } else {
          c = switch (c) { case 'b' -> '\b'; case 'f' -> '\f'; case 'n' -> '\n'; case 'r' -> '\r'; case 't' -> '\t'; default -> c; };
        }
      }
      text.append(c);
    }
    return text.toString();
  }
}
// README-client:end
