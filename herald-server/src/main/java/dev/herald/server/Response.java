package dev.herald.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP response to a plain (non-streaming) request: status, headers and a complete body.
 * Immutable and thread-safe; build one with the static factories or {@link #builder()}.
 *
 * <p>The server sets {@code Connection} and {@code Content-Length} itself; a handler's
 * {@code Connection: close} header is honoured: the answer says {@code Connection: close} and
 * the connection is closed after it (e.g. a 503 while the application shuts down).
 *
 * <p>A {@link #json(Object)} response keeps its value and is encoded by the server's
 * {@link JsonCodec} when it is written (a response is made before it knows which server sends
 * it), so the value must not change after the call; a value the codec cannot write answers
 * {@code 500} and is logged.
 */
public final class Response {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String HTML = "text/html; charset=utf-8";
  static final String JSON = "application/json";

  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body; // null while a json value waits for the server's codec
  private final Object json; // the Response.json value, else null

  private Response(Builder builder) {
    this.status = builder.status;
    Map<String, List<String>> copy = new LinkedHashMap<>();
    builder.headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.headers = Collections.unmodifiableMap(copy);
    this.body = builder.body;
    this.json = null;
  }

  private Response(int status, Object json) {
    this.status = status;
    this.headers = Map.of("Content-Type", List.of(JSON));
    this.body = null;
    this.json = json;
  }

  /** {@code 200} with a UTF-8 {@code text/plain} body. */
  public static Response text(String body) {
    return text(200, body);
  }

  /** {@code status} with a UTF-8 {@code text/plain} body. */
  public static Response text(int status, String body) {
    Objects.requireNonNull(body, "body == null");
    return builder().status(status).body(body.getBytes(StandardCharsets.UTF_8), TEXT).build();
  }

  /**
   * {@code 200} with {@code value} (a record, map, list...) as {@code application/json}, written by
   * the sending server's {@link JsonCodec} when the response is written.
   */
  public static Response json(Object value) {
    return json(200, value);
  }

  /**
   * {@code status} with {@code value} as {@code application/json}, written by the sending server's
   * {@link JsonCodec} when the response is written; a value it cannot write answers {@code 500}.
   */
  public static Response json(int status, Object value) {
    Objects.requireNonNull(value, "value == null");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599: " + status);
    }
    return new Response(status, value);
  }

  /** {@code 200} with a UTF-8 {@code text/html} body. */
  public static Response html(String body) {
    Objects.requireNonNull(body, "body == null");
    return builder().body(body.getBytes(StandardCharsets.UTF_8), HTML).build();
  }

  /** {@code status} with an empty body. */
  public static Response status(int status) {
    return builder().status(status).build();
  }

  /** A new builder: status {@code 200}, no headers, empty body. */
  public static Builder builder() {
    return new Builder();
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The headers, names as given, in insertion order; unmodifiable. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of header {@code name}, compared case-insensitively. */
  public Optional<String> header(String name) {
    Objects.requireNonNull(name, "name == null");
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return Optional.of(e.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /**
   * The body bytes (a copy). For a {@link #json(Object)} response these are the value as
   * {@link JsonCodec#standard()} writes it (a server with another codec sends that codec's bytes);
   * a value it cannot write throws {@link IllegalArgumentException}.
   */
  public byte[] body() {
    return body != null ? body.clone() : JsonCodec.standard().write(json);
  }

  /** The body to send: the bytes as built, or the json value written by {@code codec}. */
  byte[] bodyUnsafe(JsonCodec codec) {
    if (body != null) {
      return body;
    }
    byte[] bytes = codec.write(json);
    if (bytes == null) {
      throw new IllegalStateException(codec + " wrote null for a " + json.getClass().getName());
    }
    return bytes;
  }

  @Override
  public String toString() {
    String what = body != null ? body.length + " bytes" : "json " + json.getClass().getSimpleName();
    return "Response{" + status + ", " + what + "}";
  }

  /** Builds a {@link Response}; not thread-safe. */
  public static final class Builder {
    private int status = 200;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];

    private Builder() {}

    /** Sets the status code (100–599). */
    public Builder status(int status) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status must be 100..599: " + status);
      }
      this.status = status;
      return this;
    }

    /**
     * Adds a header value; CR and LF are rejected. {@code Connection: close} makes the server
     * close the connection once this response is written (requests pipelined behind it are not
     * answered); other {@code Connection}, {@code Content-Length} and {@code Transfer-Encoding}
     * values are replaced by the server's own.
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(value, "value == null");
      if (name.isEmpty() || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || name.indexOf(':') >= 0) {
        throw new IllegalArgumentException("invalid header name: " + name);
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header value must not contain CR or LF: " + name);
      }
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          e.getValue().add(value);
          return this;
        }
      }
      List<String> values = new ArrayList<>();
      values.add(value);
      headers.put(name, values);
      return this;
    }

    /** Sets the body (copied) and its {@code Content-Type}, replacing any earlier one. */
    public Builder body(byte[] bytes, String contentType) {
      Objects.requireNonNull(bytes, "bytes == null");
      Objects.requireNonNull(contentType, "contentType == null");
      headers.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Type"));
      header("Content-Type", contentType);
      this.body = bytes.clone();
      return this;
    }

    /** Builds the immutable response. */
    public Response build() {
      return new Response(this);
    }
  }
}
