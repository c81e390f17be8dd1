package dev.herald.server;

/**
 * Reads request bodies into Java values and writes response values as JSON for one server:
 * {@link Request#bodyJson(Class)} reads with it and every {@link Response#json(Object)} a handler
 * returns is written with it when the response is sent. Install one with
 * {@link HeraldServer.Builder#json(JsonCodec)}; the default is {@link #standard()}.
 * Implementations must be thread-safe: handlers run on many threads at once.
 *
 * <p>To use an {@code ObjectMapper} configured your way (Jackson is already on the class path),
 * implement it in a few lines; {@link JsonReadException#of(Exception)} turns Jackson's failures
 * into messages in the client's terms:
 *
 * <pre>{@code
 * ObjectMapper mapper = JsonMapper.builder().findAndAddModules()
 *     .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
 * JsonCodec codec = new JsonCodec() {
 *   public <T> T read(byte[] json, Class<T> type) {
 *     try {
 *       return mapper.readValue(json, type);
 *     } catch (IOException e) {
 *       throw JsonReadException.of(e);
 *     }
 *   }
 *
 *   public byte[] write(Object value) {
 *     try {
 *       return mapper.writeValueAsBytes(value);
 *     } catch (JsonProcessingException e) {
 *       throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON", e);
 *     }
 *   }
 * };
 * HeraldServer.builder().json(codec);
 * }</pre>
 */
public interface JsonCodec {
  /**
   * Parses the UTF-8 JSON {@code json} (never empty) into a {@code type}. Input that is not JSON,
   * or that does not fit {@code type}, throws {@link JsonReadException}, whose message the client
   * receives in a {@code 400}; any other exception is taken as a server fault ({@code 500}).
   * Returning {@code null} (the JSON text {@code null}) is answered with a {@code 400} too.
   */
  <T> T read(byte[] json, Class<T> type);

  /**
   * Writes {@code value} (never null) as UTF-8 JSON. A value that cannot be written throws an
   * unchecked exception (e.g. {@link IllegalArgumentException}); the client then gets a
   * {@code 500} and the failure is logged.
   */
  byte[] write(Object value);

  /**
   * Herald's default, on Jackson: records, maps, lists and beans, {@code java.time} types as
   * ISO-8601 strings ({@code "2026-12-01T21:35:07Z"}, durations as {@code "PT30S"}),
   * {@code Optional} as its value or {@code null}. Strict when reading: a field the target type
   * does not have is refused ({@code unknown field 'txt' (line 1, column 9)}), as is anything
   * after the one JSON value; a field missing from the body is {@code null} (or 0, false, empty
   * {@code Optional}). Its {@link JsonReadException} messages name fields, JSON types and the
   * line and column, never a Java class.
   */
  static JsonCodec standard() {
    return JacksonCodec.STANDARD;
  }
}
