package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.core.MessageEvent;
import dev.herald.core.SseParser;
import dev.herald.server.HeraldServer;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The README's POST SSE server, as a plain HTTP client sees it over a real socket. */
class LlmServerExampleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HeraldServer server;

  @BeforeEach
  void start() {
    server = LlmServerExample.start(0, Duration.ofMillis(1));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void streamsTokensThenDoneAndEndsTheResponse() throws Exception {
    HttpResponse<String> reply = post("application/json", "{\"prompt\": \"What is SSE?\"}");
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
    List<String> data = SseParser.parse(reply.body()).stream().map(MessageEvent::data).collect(Collectors.toList());
    assertThat(data).last().isEqualTo("[DONE]");
    assertThat(data.get(0)).isEqualTo("{\"token\":\"You \"}");
    StringBuilder answer = new StringBuilder();
    for (String token : data.subList(0, data.size() - 1)) {
      answer.append(JSON.readTree(token).get("token").asText());
    }
    assertThat(answer).hasToString("You asked: What is SSE?. This answer came one token at a time.");
    assertThat(reply.body()).endsWith("data: [DONE]\n\n");
  }

  @Test
  void aBodyWithoutAPromptIsA400SayingWhatToSend() throws Exception {
    for (String body : new String[] {"{}", "{\"prompt\": \"  \"}", "{\"prompt\": 7}"}) {
      HttpResponse<String> reply = post("application/json", body);
      assertThat(reply.statusCode()).as(body).isEqualTo(400);
      assertThat(JSON.readTree(reply.body()).get("message").asText()).as(body).isEqualTo("send {\"prompt\": \"...\"}");
    }
    HttpResponse<String> array = post("application/json", "[1]");   // not an object: the server's own 400
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(array.body()).get("message").asText()).contains("object");
    HttpResponse<String> notJson = post("application/json", "prompt=hi");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
  }

  @Test
  void aGetIsA405() throws Exception {
    HttpResponse<String> reply = SseTestClient.HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/complete")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(405);
  }

  private HttpResponse<String> post(String type, String body) throws Exception {
    return SseTestClient.HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/complete"))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
