package dev.herald.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.core.SseEvent;
import dev.herald.server.Channel;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 3, chat: {@code POST /chat} with {@code user} and {@code text} (a JSON object, form
 * fields, or query parameters; another body type is a 415) broadcasts a named {@code message}
 * event (JSON data) to every {@code GET /chat/stream} listener; the page is {@code /chat.html}.
 */
final class ChatExample {
  static final int MAX_USER = 40;

  private final Channel room = Channel.create();
  private final AtomicLong ids = new AtomicLong();
  private final ObjectMapper json = new ObjectMapper();

  void register(Routing.Builder routes) {
    routes.sse("/chat/stream", (request, stream) -> room.join(stream));
    routes.post("/chat", this::post);
  }

  private Response post(Request request) throws JsonProcessingException {
    RequestFields.requireFieldsBody(request, "user", "text");
    String user = RequestFields.required(request, "user", false);
    String text = RequestFields.required(request, "text", false);
    if (user.length() > MAX_USER) {
      throw new HttpException(400, "'user' is longer than " + MAX_USER + " characters");
    }
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("user", user);
    message.put("text", text);
    message.put("time", Instant.now().toString());
    String id = Long.toString(ids.incrementAndGet());
    int delivered = room.send(SseEvent.builder().id(id).event("message").data(json.writeValueAsString(message)).build());
    return Response.json(Map.of("id", id, "delivered", delivered));
  }
}
