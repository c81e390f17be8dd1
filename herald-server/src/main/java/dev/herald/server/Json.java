package dev.herald.server;

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

  /** {@code {"status":404,"error":"Not Found","message":"..."}} as UTF-8 bytes. */
  static byte[] error(int status, String message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("status", status);
    node.put("error", HttpResponseStatus.valueOf(status).reasonPhrase());
    node.put("message", message);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
