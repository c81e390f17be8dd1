package dev.herald.server;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Thrown by a handler to answer with a given HTTP status and a short message; the client gets a
 * JSON error body such as {@code {"status":400,"error":"Bad Request","message":"..."}}, plus any
 * headers added with {@link #withHeader(String, String)} (e.g. {@code WWW-Authenticate} or
 * {@code Retry-After}). A redirect ({@code 301}, {@code 302}, {@code 303}, {@code 307},
 * {@code 308}) needs a {@code Location}: make it with {@link #redirect(int, URI)}; the
 * constructors refuse those statuses. Immutable (its headers never change once made) and safe
 * to share between threads.
 */
public class HttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  /** Headers the server sets itself on every error answer. */
  private static final Set<String> SERVER_HEADERS = Set.of("content-type", "content-length", "transfer-encoding", "connection");

  private final int status;
  private final Map<String, String> headers;

  /**
   * An exception answering with {@code status} (200–599) and {@code message}. A redirect status
   * (301, 302, 303, 307, 308) throws {@link IllegalArgumentException}: use
   * {@link #redirect(int, URI)}, which sends the {@code Location} it needs.
   */
  public HttpException(int status, String message) {
    this(status, message, null);
  }

  /**
   * An exception answering with {@code status} and {@code message}, keeping {@code cause} for
   * logs; the same statuses as {@link #HttpException(int, String)} are accepted.
   */
  public HttpException(int status, String message, Throwable cause) {
    this(checkNotRedirect(status), message, cause, Map.of());
  }

  private HttpException(int status, String message, Throwable cause, Map<String, String> headers) {
    super(Objects.requireNonNull(message, "message == null"), cause);
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status must be 200..599: " + status);
    }
    this.status = status;
    this.headers = headers;
  }

  /**
   * A redirect answering with {@code status} (301, 302, 303, 307 or 308) and
   * {@code Location: location} (sent as given, so a relative URI such as {@code /login} stays
   * relative); the message says where it points.
   */
  public static HttpException redirect(int status, URI location) {
    Objects.requireNonNull(location, "location == null");
    if (!REDIRECTS.contains(status)) {
      throw new IllegalArgumentException("redirect status must be 301, 302, 303, 307 or 308: " + status);
    }
    String value = location.toASCIIString();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("redirect location must not be empty");
    }
    return new HttpException(status, "Redirect to " + value, null, Map.of("Location", value));
  }

  /**
   * A copy of this exception (same status, message and cause) that also sends header
   * {@code name: value}, replacing an earlier value of that name (compared case-insensitively).
   * CR or LF in either, an empty or invalid name, and the headers the server sets itself
   * ({@code Content-Type}, {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection})
   * throw {@link IllegalArgumentException}; so does removing a redirect's {@code Location} by
   * giving it an empty value.
   */
  public HttpException withHeader(String name, String value) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(value, "value == null");
    if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
      throw new IllegalArgumentException("invalid header name: '" + name + "'");
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header value must not contain CR or LF: " + name);
    }
    if (SERVER_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException(name + " is set by the server on error answers; it cannot be added");
    }
    if (REDIRECTS.contains(status) && name.equalsIgnoreCase("Location") && value.isEmpty()) {
      throw new IllegalArgumentException("a " + status + " redirect needs a non-empty Location");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase(name)) {
        copy.put(k, v);
      }
    });
    copy.put(name, value);
    HttpException e = new HttpException(status, getMessage(), getCause(), Collections.unmodifiableMap(copy));
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** The extra headers sent with the answer, names as given, in insertion order; unmodifiable. */
  public Map<String, String> headers() {
    return headers;
  }

  private static int checkNotRedirect(int status) {
    if (REDIRECTS.contains(status)) {
      throw new IllegalArgumentException("a " + status + " redirect needs a Location:"
          + " use HttpException.redirect(" + status + ", location)");
    }
    return status;
  }
}
