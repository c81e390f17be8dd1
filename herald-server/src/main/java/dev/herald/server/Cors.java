package dev.herald.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Cross-origin resource sharing as a {@link Filter}: lets pages from other origins use this
 * server's routes, e.g. a browser {@code EventSource} on {@code https://app.example} reading
 * {@code https://events.example/events}. Install it with {@link Routing.Builder#filter(Filter)};
 * immutable and thread-safe.
 *
 * <pre>{@code
 * Cors cors = Cors.builder()
 *     .allowOrigins("https://app.example", "http://localhost:5173")
 *     .allowHeaders("Last-Event-ID", "Content-Type")
 *     .build();
 * Routing routing = Routing.builder().filter(cors).sse("/events", handler).build();
 * }</pre>
 *
 * <p>What it does:
 * <ul>
 *   <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 *       from an allowed origin, for an allowed method and allowed headers, is answered
 *       {@code 204} with {@code Access-Control-Allow-Methods}, {@code Access-Control-Allow-Headers}
 *       (if any are allowed) and {@code Access-Control-Max-Age} (if set), whatever the path's
 *       routes; the handler is not run. A preflight that is refused gets {@code 403} with a JSON
 *       message saying what was not allowed (origin, method or header), so the browser blocks
 *       the request and its developer tools show why. An {@code OPTIONS} without those headers
 *       is not a preflight and passes on to the routes.</li>
 *   <li>Every other response (plain, error, event-stream head) to a request whose {@code Origin}
 *       is allowed carries {@code Access-Control-Allow-Origin} — the origin itself, or {@code *}
 *       with {@link Builder#allowAnyOrigin()} — plus {@code Access-Control-Allow-Credentials: true}
 *       if credentials are allowed and {@code Access-Control-Expose-Headers} if set. A request
 *       from an origin that is not allowed is still answered, just without these headers: the
 *       browser then refuses the page access to it (the server cannot tell a same-origin form
 *       post from a hostile page by its answer; refusing the requests themselves is the job of
 *       authentication, not CORS).</li>
 *   <li>With a list of origins every response carries {@code Vary: Origin}, so caches keep
 *       per-origin copies.</li>
 * </ul>
 *
 * <p>{@code *} is never combined with credentials: the CORS standard forbids it, and
 * {@link Builder#build()} refuses {@code allowAnyOrigin()} together with
 * {@code allowCredentials(true)}; list the origins instead.
 */
public final class Cors implements Filter {
  private static final String ANY = "*";

  private final Set<String> origins; // normalised, or {"*"}
  private final boolean credentials;
  private final Set<Method> methods;
  private final List<String> headers; // as given
  private final Set<String> headersLower;
  private final List<String> exposed;
  private final Optional<Duration> maxAge;

  private Cors(Builder b) {
    this.origins = Set.copyOf(b.origins);
    this.credentials = b.credentials;
    this.methods = b.methods.isEmpty() ? EnumSet.of(Method.GET, Method.POST) : EnumSet.copyOf(b.methods);
    this.headers = List.copyOf(b.headers);
    Set<String> lower = new LinkedHashSet<>();
    headers.forEach(h -> lower.add(h.toLowerCase(Locale.ROOT)));
    this.headersLower = Set.copyOf(lower);
    this.exposed = List.copyOf(b.exposed);
    this.maxAge = b.maxAge;
  }

  /** A new builder: no origins, no credentials, methods {@code GET} and {@code POST}, no extra headers, no max-age. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether a request from {@code origin} (an {@code Origin} header value) may read the responses. */
  public boolean allows(String origin) {
    Objects.requireNonNull(origin, "origin == null");
    return origins.contains(ANY) || origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** Answers a preflight; anything else passes on. */
  @Override
  public Optional<Response> before(Request request) {
    Optional<String> origin = request.header("Origin");
    Optional<String> wanted = request.header("Access-Control-Request-Method");
    if (request.method() != Method.OPTIONS || origin.isEmpty() || wanted.isEmpty()) {
      return Optional.empty();
    }
    if (!allows(origin.get())) {
      throw new HttpException(403, "CORS preflight refused: origin " + origin.get() + " is not allowed");
    }
    Method method = Arrays.stream(Method.values()).filter(m -> m.name().equals(wanted.get().trim()))
        .findFirst().filter(methods::contains).orElse(null);
    if (method == null) {
      throw new HttpException(403, "CORS preflight refused: method " + wanted.get().trim()
          + " is not allowed for cross-origin requests (allowed: " + join(methods.stream().map(Enum::name).toList()) + ")");
    }
    for (String header : request.headers("Access-Control-Request-Headers")) {
      for (String name : header.split(",")) {
        String n = name.trim();
        if (!n.isEmpty() && !headersLower.contains(n.toLowerCase(Locale.ROOT))) {
          throw new HttpException(403, "CORS preflight refused: request header " + n + " is not allowed"
              + (headers.isEmpty() ? " (no request headers are allowed)" : " (allowed: " + join(headers) + ")"));
        }
      }
    }
    Response.Builder answer = Response.builder().status(204)
        .header("Access-Control-Allow-Methods", join(methods.stream().map(Enum::name).toList()));
    if (!headers.isEmpty()) {
      answer.header("Access-Control-Allow-Headers", join(headers));
    }
    maxAge.ifPresent(age -> answer.header("Access-Control-Max-Age", String.valueOf(age.toSeconds())));
    return Optional.of(answer.build());
  }

  /** Adds the {@code Access-Control-*} headers (and {@code Vary: Origin}) to a response. */
  @Override
  public void after(Request request, ResponseHeaders response) {
    boolean list = !origins.contains(ANY);
    if (list && response.getAll("Vary").stream().noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("origin"))) {
      response.add("Vary", "Origin");
    }
    Optional<String> origin = request.header("Origin");
    if (origin.isEmpty() || !allows(origin.get())) {
      return;
    }
    response.set("Access-Control-Allow-Origin", list ? origin.get() : ANY);
    if (credentials) {
      response.set("Access-Control-Allow-Credentials", "true");
    }
    if (!exposed.isEmpty() && !response.get("Access-Control-Allow-Methods").isPresent()) {
      response.set("Access-Control-Expose-Headers", join(exposed));
    }
  }

  private static String join(List<String> values) {
    StringJoiner j = new StringJoiner(", ");
    values.forEach(j::add);
    return j.toString();
  }

  @Override
  public String toString() {
    return "Cors{origins=" + origins + ", credentials=" + credentials + ", methods=" + methods
        + ", headers=" + headers + "}";
  }

  /** Builds a {@link Cors}; not thread-safe. */
  public static final class Builder {
    private final Set<String> origins = new LinkedHashSet<>();
    private boolean credentials;
    private final Set<Method> methods = EnumSet.noneOf(Method.class);
    private final List<String> headers = new ArrayList<>();
    private final List<String> exposed = new ArrayList<>();
    private Optional<Duration> maxAge = Optional.empty();

    private Builder() {}

    /**
     * Allows pages from these origins, each {@code scheme://host} or {@code scheme://host:port}
     * exactly as a browser sends it in {@code Origin} (no path, no trailing slash; a default port
     * such as {@code :443} is dropped; compared case-insensitively). Anything else, including
     * {@code *} (use {@link #allowAnyOrigin()}) and {@code null}, throws
     * {@link IllegalArgumentException} saying why.
     */
    public Builder allowOrigins(String... origins) {
      Objects.requireNonNull(origins, "origins == null");
      for (String o : origins) {
        this.origins.add(normalise(o));
      }
      return this;
    }

    /** Allows pages from every origin: answers carry {@code Access-Control-Allow-Origin: *}. Not with credentials. */
    public Builder allowAnyOrigin() {
      origins.add(ANY);
      return this;
    }

    /**
     * Whether cross-origin requests may carry cookies or HTTP auth ({@code new EventSource(url,
     * {withCredentials: true})}, {@code fetch(..., {credentials: 'include'})}); default
     * {@code false}. Needs a list of origins, never {@code *}.
     */
    public Builder allowCredentials(boolean allow) {
      this.credentials = allow;
      return this;
    }

    /** The methods a preflight may ask for; default {@code GET} and {@code POST}. Replaces earlier calls. */
    public Builder allowMethods(Method... methods) {
      Objects.requireNonNull(methods, "methods == null");
      this.methods.clear();
      this.methods.addAll(Arrays.asList(methods));
      return this;
    }

    /**
     * Request headers a cross-origin page may send, e.g. {@code Last-Event-ID},
     * {@code Content-Type} (for JSON), {@code Authorization}; default none. Adds to earlier calls.
     */
    public Builder allowHeaders(String... names) {
      Objects.requireNonNull(names, "names == null");
      for (String n : names) {
        HeaderRules.check(n, "");
        headers.add(n);
      }
      return this;
    }

    /** Response headers a cross-origin page may read beyond the CORS-safelisted ones; default none. */
    public Builder exposeHeaders(String... names) {
      Objects.requireNonNull(names, "names == null");
      for (String n : names) {
        HeaderRules.check(n, "");
        exposed.add(n);
      }
      return this;
    }

    /** How long a browser may cache a preflight answer ({@code Access-Control-Max-Age}); default unset (the browser's own, 5 s in Chromium). */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge == null");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
      }
      this.maxAge = Optional.of(maxAge);
      return this;
    }

    /**
     * Builds the filter. Throws {@link IllegalArgumentException} without any origin, or for
     * {@code allowAnyOrigin()} with {@code allowCredentials(true)}.
     */
    public Cors build() {
      if (origins.isEmpty()) {
        throw new IllegalArgumentException("Cors needs allowOrigins(...) or allowAnyOrigin()");
      }
      if (origins.contains(ANY) && origins.size() > 1) {
        throw new IllegalArgumentException("Cors: allowAnyOrigin() together with allowOrigins" + origins
            + " is ambiguous; use one of them");
      }
      if (credentials && origins.contains(ANY)) {
        throw new IllegalArgumentException("Cors: allowCredentials(true) cannot be used with allowAnyOrigin():"
            + " browsers reject '*' with credentials; list the allowed origins instead");
      }
      return new Cors(this);
    }

    private static String normalise(String origin) {
      Objects.requireNonNull(origin, "origin == null");
      if (origin.equals(ANY)) {
        throw new IllegalArgumentException("origin '*' is not an origin: use allowAnyOrigin()");
      }
      URI uri;
      try {
        uri = new URI(origin);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid origin '" + origin + "': " + e.getReason());
      }
      String scheme = uri.getScheme();
      if (scheme == null || uri.getHost() == null || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()
          || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException("invalid origin '" + origin + "': an origin is scheme://host or"
            + " scheme://host:port, e.g. https://app.example, with no path (not even a trailing '/')");
      }
      String s = scheme.toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      boolean defaultPort = port == -1 || (s.equals("http") && port == 80) || (s.equals("https") && port == 443);
      return s + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
  }
}
