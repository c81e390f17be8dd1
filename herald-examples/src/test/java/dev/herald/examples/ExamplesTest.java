package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every scenario end to end over real sockets, with fast timings. */
class ExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Examples examples;

  @BeforeAll
  static void start() {
    examples = Examples.start("127.0.0.1", 0, ExampleTimings.fast());
  }

  @AfterAll
  static void stop() {
    examples.close();
  }

  private static URI uri(String path) {
    return examples.uri().resolve(path);
  }

  private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri(path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return SseTestClient.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return SseTestClient.HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void counterSendsTenNumbersThenEnds() throws Exception {
    try (SseTestClient client = SseTestClient.get(uri("/counter"))) {
      assertThat(client.response().statusCode()).isEqualTo(200);
      assertThat(client.response().headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith("text/event-stream"));
      List<MessageEvent> events = client.next(10);
      assertThat(events).extracting(MessageEvent::data)
          .isEqualTo(IntStream.rangeClosed(1, 10).mapToObj(n -> "{\"num\": " + n + "}").collect(Collectors.toList()));
      assertThat(events).extracting(MessageEvent::lastEventId)
          .isEqualTo(IntStream.rangeClosed(1, 10).mapToObj(Integer::toString).collect(Collectors.toList()));
      assertThat(client.awaitEnd()).as("server ends the stream after 10").isTrue();
      assertThat(client.drain()).isEmpty();
    }
  }

  @Test
  void counterResumesAfterLastEventIdAndSays204WhenFinished() throws Exception {
    HttpRequest resume = HttpRequest.newBuilder(uri("/counter")).header("Last-Event-ID", "7").build();
    try (SseTestClient client = SseTestClient.open(resume)) {
      assertThat(client.next(3)).extracting(MessageEvent::lastEventId).containsExactly("8", "9", "10");
      assertThat(client.awaitEnd()).isTrue();
    }
    HttpResponse<String> finished = SseTestClient.HTTP.send(
        HttpRequest.newBuilder(uri("/counter")).header("Last-Event-ID", "10").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(finished.statusCode()).isEqualTo(204);
    assertThat(finished.body()).isEmpty();
  }

  @Test
  void pushReachesEveryListener() throws Exception {
    try (SseTestClient a = SseTestClient.get(uri("/stream"));
        SseTestClient b = SseTestClient.get(uri("/stream"))) {
      HttpResponse<String> reply = post("/push", "application/json", "{\"msg\": \"hello\"}");
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(json(reply).get("delivered").asInt()).isEqualTo(2);
      assertThat(a.next().data()).isEqualTo("hello");
      assertThat(b.next().data()).isEqualTo("hello");

      assertThat(get("/push?msg=from%20the%20address%20bar").statusCode()).isEqualTo(200);
      assertThat(a.next().data()).isEqualTo("from the address bar");
      assertThat(b.next().data()).isEqualTo("from the address bar");

      assertThat(post("/push", "text/plain", "plain text").statusCode()).isEqualTo(200);
      assertThat(a.next().data()).isEqualTo("plain text");

      // a field that is not a string is taken as its JSON text
      assertThat(post("/push", "application/json", "{\"msg\": {\"n\": [1, 2.5, true]}}").statusCode()).isEqualTo(200);
      assertThat(a.next().data()).isEqualTo("{\"n\":[1,2.5,true]}");
      assertThat(post("/push", "application/json", "{\"msg\": 42}").statusCode()).isEqualTo(200);
      assertThat(a.next().data()).isEqualTo("42");
    }
  }

  @Test
  void pushRejectsMissingOrMalformedMessages() throws Exception {
    HttpResponse<String> missing = post("/push", "application/json", "{}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json(missing).get("message").asText()).contains("msg");
    assertThat(json(post("/push", "application/json", "{\"msg\": ")).get("message").asText())
        .isEqualTo("malformed JSON: unexpected end of input (line 1, column 9)");
    assertThat(json(post("/push", "application/json", "[1,2]")).get("message").asText())
        .isEqualTo("the JSON body must be an object like {\"msg\": \"...\"}");
    assertThat(json(post("/push", "application/json", "null")).get("message").asText())
        .isEqualTo("the JSON body must not be null");
    assertThat(get("/push").statusCode()).isEqualTo(400);
    assertThat(post("/push", "text/plain", "x".repeat(RequestFields.MAX_TEXT + 1)).statusCode()).isEqualTo(400);
  }

  @Test
  void chatBroadcastsNamedMessageEvents() throws Exception {
    try (SseTestClient a = SseTestClient.get(uri("/chat/stream"));
        SseTestClient b = SseTestClient.get(uri("/chat/stream"))) {
      HttpResponse<String> reply = post("/chat", "application/json", "{\"user\": \"ann\", \"text\": \"hi\\nthere\"}");
      assertThat(reply.statusCode()).isEqualTo(200);
      for (SseTestClient client : List.of(a, b)) {
        MessageEvent event = client.next();
        assertThat(event.event()).isEqualTo("message");
        JsonNode message = JSON.readTree(event.data());
        assertThat(message.get("user").asText()).isEqualTo("ann");
        assertThat(message.get("text").asText()).isEqualTo("hi\nthere");
        assertThat(event.lastEventId()).isEqualTo(json(reply).get("id").asText());
      }
      assertThat(post("/chat", "application/x-www-form-urlencoded", "user=bo&text=a%26b").statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(a.next().data()).get("text").asText()).isEqualTo("a&b");
    }
  }

  @Test
  void chatRejectsBadInput() throws Exception {
    assertThat(post("/chat", "application/json", "{\"user\": \"ann\"}").statusCode()).isEqualTo(400);
    assertThat(post("/chat", "application/json", "{\"user\": \"" + "u".repeat(41) + "\", \"text\": \"x\"}").statusCode())
        .isEqualTo(400);
    assertThat(post("/chat", "application/json", "not json").statusCode()).isEqualTo(400);
    assertThat(get("/chat").statusCode()).isEqualTo(405);
    assertThat(json(post("/chat", "application/json", "{\"text\": \"x\"}")).get("message").asText())
        .contains("missing 'user'").doesNotContain("text/plain");
  }

  @Test
  void aChatBodyThatCannotCarryBothFieldsIs415AndSendsNothing() throws Exception {
    try (SseTestClient room = SseTestClient.get(uri("/chat/stream"))) {
      HttpResponse<String> plain = post("/chat", "text/plain; charset=utf-8", "hello");
      assertThat(plain.statusCode()).isEqualTo(415);
      assertThat(json(plain).get("message").asText()).contains("text/plain").contains("user").contains("text")
          .contains("application/json");
      assertThat(post("/chat", "application/octet-stream", "hello").statusCode()).isEqualTo(415);
      assertThat(post("/chat?user=cy&text=by%20query", "text/plain", "").statusCode()).as("query fields, no body")
          .isEqualTo(200);
      JsonNode first = JSON.readTree(room.next().data());
      assertThat(first.get("text").asText()).as("the refused bodies sent nothing").isEqualTo("by query");
    }
  }

  @Test
  void userNotificationsReachOnlyThatUsersStreams() throws Exception {
    try (SseTestClient alice1 = SseTestClient.get(uri("/users/alice/events"));
        SseTestClient alice2 = SseTestClient.get(uri("/users/alice/events"));
        SseTestClient bob = SseTestClient.get(uri("/users/bob/events"))) {
      HttpResponse<String> reply = post("/users/alice/notify", "application/json", "{\"text\": \"for alice\"}");
      assertThat(json(reply).get("delivered").asInt()).isEqualTo(2);
      for (SseTestClient client : List.of(alice1, alice2)) {
        MessageEvent event = client.next();
        assertThat(event.event()).isEqualTo("notification");
        assertThat(event.data()).isEqualTo("for alice");
      }
      post("/users/bob/notify", "text/plain", "for bob");
      assertThat(bob.next().data()).as("bob's first event is his own").isEqualTo("for bob");
      assertThat(post("/users/nobody/notify", "text/plain", "x").body()).contains("\"delivered\":0");
    }
  }

  @Test
  void userIdsAreValidated() throws Exception {
    assertThat(post("/users/a%20b/notify", "text/plain", "x").statusCode()).isEqualTo(400);
    assertThat(get("/users/" + "x".repeat(65) + "/events").statusCode()).isEqualTo(400);
  }

  @Test
  void lyricsArriveAsCustomEventsThenDone() throws Exception {
    try (SseTestClient client = SseTestClient.get(uri("/lyrics"))) {
      List<MessageEvent> words = client.next(LyricsExample.WORDS.size());
      assertThat(words).extracting(MessageEvent::type).containsOnly("custom");
      assertThat(words).extracting(MessageEvent::data).isEqualTo(LyricsExample.WORDS);
      assertThat(client.next().event()).isEqualTo("done");
      assertThat(client.awaitEnd()).isTrue();
    }
  }

  @Test
  void completionStreamsTokensThenDone() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/complete"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"What is SSE?\"}"))
        .build();
    try (SseTestClient client = SseTestClient.open(request)) {
      assertThat(client.response().statusCode()).isEqualTo(200);
      List<String> expected = CompletionExample.answer("What is SSE?");
      StringBuilder text = new StringBuilder();
      for (MessageEvent event : client.next(expected.size())) {
        text.append(JSON.readTree(event.data()).get("token").asText());
      }
      assertThat(text.toString()).isEqualTo(String.join("", expected)).startsWith("You asked: \"What is SSE?\"");
      assertThat(client.next().data()).isEqualTo(CompletionExample.DONE);
      assertThat(client.awaitEnd()).isTrue();
    }
  }

  @Test
  void completionRejectsAMissingPrompt() throws Exception {
    HttpResponse<String> reply = post("/complete", "application/json", "{\"question\": \"?\"}");
    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
    assertThat(json(reply).get("message").asText()).contains("prompt");
  }

  @Test
  void pagesAreServed() throws Exception {
    for (String page : List.of("/", "/counter.html", "/stream.html", "/chat.html", "/users.html", "/lyrics.html",
        "/complete.html")) {
      HttpResponse<String> reply = get(page);
      assertThat(reply.statusCode()).as(page).isEqualTo(200);
      assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      assertThat(reply.body()).contains("</html>");
    }
    assertThat(get("/herald.js").headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
    assertThat(get("/index.html").body()).contains("/counter.html", "/stream.html", "/chat.html", "/users.html",
        "/lyrics.html", "/complete.html");
    assertThat(get("/nope.html").statusCode()).isEqualTo(404);
  }
}
