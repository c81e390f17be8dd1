package dev.herald.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * One received HTTP request with its whole body. Immutable and safe to read from any thread,
 * also after the handler has returned.
 */
public interface Request {
  /** The request method. */
  Method method();

  /** The percent-decoded path, without the query, e.g. {@code /users/42}. */
  String path();

  /** The raw query string after {@code ?}, still percent-encoded; empty if there is none. */
  String rawQuery();

  /** The value of path parameter {@code name} of the matched route, e.g. {@code id} in {@code /users/{id}}. */
  Optional<String> pathParam(String name);

  /** The first value of query parameter {@code name}. */
  Optional<String> query(String name);

  /** All values of query parameter {@code name}, in order; empty if absent. */
  List<String> queryAll(String name);

  /** The first value of header {@code name}, compared case-insensitively. */
  Optional<String> header(String name);

  /** All values of header {@code name}, compared case-insensitively; empty if absent. */
  List<String> headers(String name);

  /** The body bytes (a copy); empty if the request had no body. */
  byte[] body();

  /** The body decoded as UTF-8. */
  String bodyText();

  /**
   * The body parsed as JSON into {@code type} (a record or bean, {@code Map.class} for any
   * object, {@code Object.class} for any value) by the server's {@link JsonCodec}
   * ({@link JsonCodec#standard()} unless {@link HeraldServer.Builder#json(JsonCodec)} set another).
   * An empty body, the JSON {@code null} and a body the codec refuses (malformed JSON, a field the
   * type does not have, a value of the wrong JSON type) throw {@link HttpException} {@code 400}
   * saying what is wrong in the client's terms, e.g. {@code unknown field 'txt' (line 1, column 9)}.
   */
  <T> T bodyJson(Class<T> type);

  /** The client's address. */
  InetSocketAddress remoteAddress();
}
