package dev.herald.examples;
// README-llm-server:begin
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.HeraldServer;
import dev.herald.server.HttpException;
import dev.herald.server.Method;
import dev.herald.server.Routing;
import java.time.Duration;
import java.util.Map;

/** An LLM-style API: POST /complete with {"prompt": …} streams {"token": …} events, then [DONE]. */
public class LlmServerExample {
  /** Starts the server on {@code port} (0 picks a free one), sending a token every {@code pace}. */
  public static HeraldServer start(int port, Duration pace) {
    ObjectMapper json = new ObjectMapper();
    return HeraldServer.builder()
        .port(port)
        .routing(Routing.builder()
            .sse(Method.POST, "/complete", (request, stream) -> {
              Object prompt = request.bodyJson(Map.class).get("prompt");   // not a JSON object: a 400
              if (!(prompt instanceof String) || ((String) prompt).isBlank()) {
                throw new HttpException(400, "send {\"prompt\": \"...\"}");
              }
              String answer = "You asked: " + prompt + ". This answer came one token at a time.";
              for (String token : answer.split("(?<= )")) {   // a model would produce these
                if (!stream.send(json.writeValueAsString(Map.of("token", token)))) {
                  return;   // the client went away
                }
                Thread.sleep(pace.toMillis());   // handlers run on worker threads and may block
              }
              stream.send("[DONE]");
              stream.close();   // one answer, one stream: a fetch() reader or the client sees the end
            })
            .build())
        .build()
        .start();
  }

  /** Serves on port {@code args[0]} (default 8080, 0 for any free port) until stopped. */
  public static void main(String[] args) throws InterruptedException {
    HeraldServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080, Duration.ofMillis(100));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("Listening on " + server.uri() + "complete (POST {\"prompt\": \"...\"})");
    Thread.currentThread().join();
  }
}
// README-llm-server:end
