package dev.herald.client;

import java.net.http.HttpHeaders;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The status and headers of a response, as received: what
 * {@link EventSourceListener#onOpen(EventSource, ResponseHead)} and {@link EventSource#response()}
 * report for the response that opened a stream, and what an {@link UnexpectedResponseException}
 * carries. Header names compare case-insensitively. Immutable and thread-safe.
 */
public final class ResponseHead implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final Map<String, List<String>> headers;

  private ResponseHead(int status, Map<String, List<String>> headers) {
    this.status = status;
    this.headers = headers;
  }

  /** A response head with {@code status} and {@code headers} (copied; names case-insensitive). */
  public static ResponseHead of(int status, Map<String, List<String>> headers) {
    Objects.requireNonNull(headers, "headers == null");
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> copy.computeIfAbsent(Objects.requireNonNull(name, "header name == null"),
        k -> new java.util.ArrayList<>()).addAll(values));
    copy.replaceAll((name, values) -> List.copyOf(values));
    return new ResponseHead(status, Collections.unmodifiableMap(copy));
  }

  static ResponseHead of(int status, HttpHeaders headers) {
    return of(status, headers.map());
  }

  /** The HTTP status code, e.g. {@code 200}. */
  public int status() {
    return status;
  }

  /**
   * All headers: an immutable map from name (looked up case-insensitively) to the values in the
   * order received.
   */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of header {@code name} (case-insensitive), or empty if absent. */
  public Optional<String> firstHeader(String name) {
    Objects.requireNonNull(name, "name == null");
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseHead && ((ResponseHead) o).status == status && ((ResponseHead) o).headers.equals(headers);
  }

  @Override
  public int hashCode() {
    return 31 * status + headers.hashCode();
  }

  @Override
  public String toString() {
    return "ResponseHead{" + status + ", " + headers + '}';
  }
}
