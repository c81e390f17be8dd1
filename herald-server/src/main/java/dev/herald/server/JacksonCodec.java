package dev.herald.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import java.io.IOException;

/** {@link JsonCodec#standard()}: Herald's configured Jackson mapper. Thread-safe. */
final class JacksonCodec implements JsonCodec {
  static final JacksonCodec STANDARD = new JacksonCodec(Json.MAPPER);

  private final ObjectMapper mapper;

  private JacksonCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public <T> T read(byte[] json, Class<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (InvalidDefinitionException e) {
      // the target type cannot be read at all (no creator, an interface...): the application's bug
      throw new IllegalStateException("cannot read JSON into " + type.getName() + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw JsonReadException.of(e);
    }
  }

  @Override
  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "JsonCodec.standard()";
  }
}
