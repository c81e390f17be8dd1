package dev.herald.examples;

import dev.herald.core.SseEvent;
import dev.herald.server.Channel;
import dev.herald.server.Request;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import java.util.Map;

/**
 * Scenario 2, the {@code EventEmitter} pattern: every {@code GET /stream} joins one channel, and
 * {@code POST /push} (or {@code GET /push?msg=} from a browser's address bar) sends a message to
 * everyone listening. The reply says how many streams it reached.
 */
final class PushExample {
  private final Channel listeners = Channel.create();

  void register(Routing.Builder routes) {
    routes.sse("/stream", (request, stream) -> listeners.join(stream));
    routes.post("/push", this::push);
    routes.get("/push", this::push);
  }

  private Response push(Request request) {
    String msg = RequestFields.required(request, "msg");
    int delivered = listeners.send(SseEvent.of(msg));
    return Response.json(Map.of("delivered", delivered));
  }
}
