package dev.herald.core;

/**
 * Thrown when an event field cannot be written to an event stream as given, for example an
 * {@code id} or {@code event} containing CR or LF. Herald rejects such values instead of
 * stripping them, because a stripped value would silently change the event and an unstripped
 * one would let the sender forge extra fields.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class InvalidEventException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  InvalidEventException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** The name of the offending field: {@code id}, {@code event}, {@code retry} or {@code data}. */
  public String field() {
    return field;
  }
}
