package dev.herald.examples;

import dev.herald.core.SseEvent;
import dev.herald.server.Channel;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import dev.herald.server.SseStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Scenario 4, per-user streams: {@code GET /users/{id}/events} joins the channel under the user's
 * id, and {@code POST /users/{id}/notify} reaches only that user's streams (every tab of theirs).
 */
final class UserEventsExample {
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final Channel users = Channel.create();

  void register(Routing.Builder routes) {
    routes.sse("/users/{id}/events", this::subscribe);
    routes.post("/users/{id}/notify", this::notify);
  }

  private void subscribe(Request request, SseStream stream) {
    users.join(userId(request), stream);
  }

  private Response notify(Request request) {
    String user = userId(request);
    String text = RequestFields.required(request, "text");
    int delivered = users.send(user, SseEvent.of("notification", text));
    return Response.json(Map.of("user", user, "delivered", delivered));
  }

  private static String userId(Request request) {
    String id = request.pathParam("id").orElse("");
    if (!USER_ID.matcher(id).matches()) {
      throw new HttpException(400, "user id must be 1-64 letters, digits, '_', '.' or '-'");
    }
    return id;
  }
}
