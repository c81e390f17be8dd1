package dev.herald.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** The shared Jackson mapper and the JSON error bodies. Thread-safe. */
final class Json {
  /**
   * The default mapper: {@code java.time} types (instants and dates as ISO-8601 strings,
   * durations as {@code PT30S}) and {@code Optional} (empty as {@code null}) registered, unknown
   * properties refused, and nothing accepted after the one JSON value.
   */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new Jdk8Module())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

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
