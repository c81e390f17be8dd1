package dev.herald.server;

import java.util.List;
import java.util.Optional;

/**
 * The headers of one response about to be sent, as an {@link Filter#after after filter} sees
 * them: a plain handler's response, an error answer (404, 405, a thrown {@link HttpException},
 * 500), a filter's early answer, or the head of an event stream. Read the status and headers, add
 * or replace headers; the body cannot be changed. Valid only during the {@code after} call; not
 * thread-safe.
 *
 * <p>Every name and value is checked as {@link SseStream#header} checks them: an invalid name, or
 * a value with CR, LF or NUL, throws {@link IllegalArgumentException} naming the header; so do
 * {@code Content-Length}, {@code Transfer-Encoding} and {@code Connection}, which the server sets
 * itself, and on an event stream's head also {@code Content-Type} (always
 * {@code text/event-stream}).
 */
public interface ResponseHeaders {
  /** The status code of the response, e.g. {@code 200}, {@code 204} or {@code 404}. */
  int status();

  /** Whether this response is the head of an event stream (an SSE route that started streaming). */
  boolean isEventStream();

  /** The first value of header {@code name}, compared case-insensitively. */
  Optional<String> get(String name);

  /** All values of header {@code name}, compared case-insensitively; empty if absent. */
  List<String> getAll(String name);

  /** Adds a value to header {@code name}, keeping earlier ones (e.g. a second {@code Vary} line). */
  ResponseHeaders add(String name, String value);

  /** Sets header {@code name} to {@code value}, replacing every earlier value. */
  ResponseHeaders set(String name, String value);
}
