package dev.herald.server;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The immutable {@link Request} handed to handlers; built on the event loop, read anywhere. */
final class ServerRequest implements Request {
  private final Method method;
  private final String methodName;
  private final String rawPath;
  private final String path;
  private final String rawQuery;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> queryParams;
  private final HttpHeaders headers;
  private final byte[] body;
  private final InetSocketAddress remote;
  private final boolean keepAlive;
  private final boolean http11;
  private final JsonCodec json;

  /** {@code method} is {@code null} for methods Herald does not route; such requests never reach handlers. */
  ServerRequest(Method method, String methodName, String rawPath, String rawQuery, Map<String, String> pathParams,
      HttpHeaders headers, byte[] body, InetSocketAddress remote, boolean keepAlive, boolean http11, JsonCodec json) {
    this.method = method;
    this.methodName = methodName;
    this.rawPath = rawPath;
    String decoded;
    try {
      decoded = PathCodec.decodePath(rawPath);
    } catch (IllegalArgumentException e) {
      decoded = rawPath;
    }
    this.path = decoded;
    this.rawQuery = rawQuery;
    this.pathParams = Map.copyOf(pathParams);
    this.queryParams = rawQuery.isEmpty()
        ? Map.of()
        : new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false).parameters();
    this.headers = headers;
    this.body = body;
    this.remote = remote;
    this.keepAlive = keepAlive;
    this.http11 = http11;
    this.json = json;
  }

  /**
   * The request for a decoded head and its whole body. An absolute-form target
   * ({@code http://host/path}) is reduced to its path; throws {@link IllegalArgumentException}
   * for a malformed query string, including percent-escapes that are not UTF-8 (which would
   * otherwise be decoded to U+FFFD, a different value than the client sent). {@code json} reads
   * {@link #bodyJson(Class)}.
   */
  static ServerRequest of(HttpRequest request, byte[] bytes, InetSocketAddress remote, JsonCodec json) {
    String uri = request.uri();
    if (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8)) {
      int slash = uri.indexOf('/', uri.indexOf("//") + 2);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String rawQuery = q < 0 ? "" : uri.substring(q + 1);
    int hash = rawQuery.indexOf('#');
    if (hash >= 0) {
      rawQuery = rawQuery.substring(0, hash);
    }
    requireUtf8Escapes(rawQuery);
    Method method = switch (request.method().name()) {
      case "GET" -> Method.GET;
      case "POST" -> Method.POST;
      case "PUT" -> Method.PUT;
      case "DELETE" -> Method.DELETE;
      case "OPTIONS" -> Method.OPTIONS;
      default -> null;
    };
    return new ServerRequest(method, request.method().name(), rawPath, rawQuery, Map.of(), request.headers(),
        bytes, remote, HttpUtil.isKeepAlive(request),
        !HttpVersion.HTTP_1_0.equals(request.protocolVersion()), json);
  }

  /** Throws unless every run of {@code %XX} escapes in {@code rawQuery} decodes as UTF-8. */
  static void requireUtf8Escapes(String rawQuery) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    byte[] run = new byte[rawQuery.length() / 3];
    int i = rawQuery.indexOf('%');
    while (i >= 0) {
      int from = i;
      int n = 0;
      while (i + 2 < rawQuery.length() && rawQuery.charAt(i) == '%') {
        int hi = Character.digit(rawQuery.charAt(i + 1), 16);
        int lo = Character.digit(rawQuery.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          break; // left to the query decoder, which names the bad escape
        }
        run[n++] = (byte) (hi << 4 | lo);
        i += 3;
      }
      try {
        utf8.reset().decode(ByteBuffer.wrap(run, 0, n));
      } catch (CharacterCodingException e) {
        String shown = rawQuery.substring(from, Math.min(i, from + 60));
        throw new IllegalArgumentException("percent-escapes " + shown + " are not valid UTF-8");
      }
      i = rawQuery.indexOf('%', Math.max(i, from + 1));
    }
  }

  ServerRequest withPathParams(Map<String, String> params) {
    return new ServerRequest(method, methodName, rawPath, rawQuery, params, headers, body, remote, keepAlive, http11, json);
  }

  boolean keepAlive() {
    return keepAlive;
  }

  boolean http11() {
    return http11;
  }

  String rawPath() {
    return rawPath;
  }

  String methodName() {
    return methodName;
  }

  @Override
  public Method method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String rawQuery() {
    return rawQuery;
  }

  @Override
  public Optional<String> pathParam(String name) {
    return Optional.ofNullable(pathParams.get(Objects.requireNonNull(name, "name == null")));
  }

  @Override
  public Optional<String> query(String name) {
    List<String> values = queryAll(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public List<String> queryAll(String name) {
    List<String> values = queryParams.get(Objects.requireNonNull(name, "name == null"));
    return values == null ? List.of() : List.copyOf(values);
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(Objects.requireNonNull(name, "name == null")));
  }

  @Override
  public List<String> headers(String name) {
    return List.copyOf(headers.getAll(Objects.requireNonNull(name, "name == null")));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public <T> T bodyJson(Class<T> type) {
    Objects.requireNonNull(type, "type == null");
    if (body.length == 0) {
      throw new HttpException(400, "expected a JSON body but the request body is empty");
    }
    T value;
    try {
      value = json.read(body, type);
    } catch (JsonReadException e) {
      throw new HttpException(400, e.getMessage(), e);
    }
    if (value == null) {
      throw new HttpException(400, type == Object.class ? "the JSON body must not be null"
          : "the JSON body must be " + JsonProblems.expected(type) + ", not null");
    }
    return value;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  /**
   * The request line as logs show it (e.g. when a handler fails): method, path and query, with
   * the values of credential query parameters ({@code authorization}, {@code access_token})
   * replaced by {@code ***} so that a token sent in the URL does not end up in the server's logs.
   */
  @Override
  public String toString() {
    return methodName + " " + path + (rawQuery.isEmpty() ? "" : "?" + redactCredentials(rawQuery));
  }

  /**
   * {@code rawQuery} with the value of each {@code authorization} or {@code access_token} parameter
   * replaced by {@code ***}; parameters are split at {@code &} and at {@code ;}, as the query parser
   * splits them.
   */
  static String redactCredentials(String rawQuery) {
    StringBuilder sb = new StringBuilder(rawQuery.length());
    int start = 0;
    while (start <= rawQuery.length()) {
      int end = start;
      while (end < rawQuery.length() && rawQuery.charAt(end) != '&' && rawQuery.charAt(end) != ';') {
        end++;
      }
      String pair = rawQuery.substring(start, end);
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String decoded;
      try {
        decoded = QueryStringDecoder.decodeComponent(name, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = name;
      }
      if (eq >= 0 && (decoded.equalsIgnoreCase("authorization") || decoded.equalsIgnoreCase("access_token"))) {
        sb.append(name).append("=***");
      } else {
        sb.append(pair);
      }
      if (end < rawQuery.length()) {
        sb.append(rawQuery.charAt(end));
      }
      start = end + 1;
    }
    return sb.toString();
  }
}
