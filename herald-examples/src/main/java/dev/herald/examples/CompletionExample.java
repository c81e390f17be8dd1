package dev.herald.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.core.SseEvent;
import dev.herald.server.Method;
import dev.herald.server.Request;
import dev.herald.server.Routing;
import dev.herald.server.SseStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Scenario 6, the typing effect of LLM APIs: {@code POST /complete} with {@code {"prompt": …}}
 * answers with an SSE stream of {@code {"token": …}} events, one per interval, then
 * {@code data: [DONE]}, and ends. Read with {@code fetch()} and a stream reader, not EventSource.
 */
final class CompletionExample {
  static final String DONE = "[DONE]";

  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final ObjectMapper json = new ObjectMapper();

  CompletionExample(ScheduledExecutorService scheduler, Duration interval) {
    this.scheduler = scheduler;
    this.interval = interval;
  }

  void register(Routing.Builder routes) {
    routes.sse(Method.POST, "/complete", this::complete);
  }

  /** The tokens answering {@code prompt}: words with their leading space, as LLM APIs split them. */
  static List<String> answer(String prompt) {
    String text = "You asked: \"" + prompt + "\". Herald streamed this answer token by token over "
        + "server-sent events, the way language-model APIs do, and then said it was done.";
    List<String> tokens = new ArrayList<>();
    for (String word : text.split(" ")) {
      tokens.add(tokens.isEmpty() ? word : " " + word);
    }
    return tokens;
  }

  private void complete(Request request, SseStream stream) {
    List<String> tokens = answer(RequestFields.required(request, "prompt"));
    Ticker.run(scheduler, interval, stream, 0, i -> {
      if (i < tokens.size()) {
        return stream.send(SseEvent.of(token(tokens.get(i))));
      }
      stream.send(SseEvent.of(DONE));
      return false;
    });
  }

  private String token(String token) {
    try {
      return json.writeValueAsString(Map.of("token", token));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
