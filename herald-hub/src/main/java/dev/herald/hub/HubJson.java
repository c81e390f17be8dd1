package dev.herald.hub;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The hub's Jackson mapper: strict about what publishers send (a key given twice and anything
 * after the JSON value are errors). Thread-safe once built.
 */
final class HubJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private HubJson() {}
}
