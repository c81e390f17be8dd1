package dev.herald.server;

import java.util.Objects;

/**
 * Thrown by {@link JsonCodec#read} when the input is not JSON or does not fit the requested type.
 * Its message is meant for the client: {@link Request#bodyJson(Class)} answers it with a
 * {@code 400} carrying the message as is, so it should speak of fields, JSON types, lines and
 * columns (e.g. {@code field 'count' must be a number (line 1, column 10)}), never of Java
 * classes.
 */
public class JsonReadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with the client-facing {@code message}. */
  public JsonReadException(String message) {
    this(message, null);
  }

  /** An exception with the client-facing {@code message}, keeping {@code cause} for logs. */
  public JsonReadException(String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message == null"), cause);
  }

  /**
   * An exception describing {@code cause}, a failure of a Jackson {@code ObjectMapper} reading
   * JSON, in the client's terms, as {@link JsonCodec#standard()} does: an unknown field, a value
   * of the wrong JSON type, malformed JSON, each with its line and column. Any other exception
   * gets a general message. For codecs built on an application's own {@code ObjectMapper}.
   */
  public static JsonReadException of(Exception cause) {
    Objects.requireNonNull(cause, "cause == null");
    return new JsonReadException(JsonProblems.describe(cause), cause);
  }
}
