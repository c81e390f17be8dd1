package dev.herald.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** The shared Jackson mapper and the JSON error bodies. Thread-safe. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** A short description of a parse or mapping failure without the source excerpt. */
  static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int nl = message.indexOf('\n');
    if (nl >= 0) {
      message = message.substring(0, nl);
    }
    JsonLocation loc = e.getLocation();
    if (loc != null && loc.getLineNr() > 0) {
      message += " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
    return message;
  }

  /** {@code {"status":404,"error":"Not Found","message":"..."}} as UTF-8 bytes. */
  static byte[] error(int status, String message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("status", status);
    node.put("error", HttpResponseStatus.valueOf(status).reasonPhrase());
    node.put("message", message);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
