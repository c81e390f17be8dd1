package dev.herald.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The routes of a {@link HeraldServer}: plain handlers, event-stream handlers and static file
 * mounts. Immutable and thread-safe once built.
 *
 * <pre>{@code
 * Routing routing = Routing.builder()
 *     .get("/users/{id}", req -> Response.json(users.find(req.pathParam("id").orElseThrow())))
 *     .sse("/events", (req, stream) -> channel.join(stream))
 *     .classpathFiles("/", "web")
 *     .build();
 * }</pre>
 *
 * <p>Explicit routes win over file mounts; among routes, literal segments win over parameters.
 * {@link Builder#filter(Filter) Filters} run around every routed request, e.g. {@link Cors}.
 */
public final class Routing {
  private final List<Route> routes;
  private final List<StaticFiles> mounts;
  private final Filters filters;

  private Routing(Builder builder) {
    List<Route> sorted = new ArrayList<>(builder.routes);
    sorted.sort((a, b) -> a.pattern().compareTo(b.pattern()));
    this.routes = List.copyOf(sorted);
    List<StaticFiles> m = new ArrayList<>(builder.mounts);
    m.sort((a, b) -> Integer.compare(b.prefix().length(), a.prefix().length()));
    this.mounts = List.copyOf(m);
    this.filters = new Filters(builder.filters);
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  List<Route> routes() {
    return routes;
  }

  List<StaticFiles> mounts() {
    return mounts;
  }

  Filters filters() {
    return filters;
  }

  /** One routed pattern; exactly one of {@code handler} and {@code sse} is set. */
  record Route(Method method, RoutePattern pattern, AsyncHandler handler, SseHandler sse) {}

  /** Builds a {@link Routing}; not thread-safe. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, String> shapes = new HashMap<>();
    private final List<StaticFiles> mounts = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();

    private Builder() {}

    /**
     * Adds {@code filter} after the filters added so far; see {@link Filter} for which requests
     * it sees and in which order filters run. For CORS, add a {@link Cors}.
     */
    public Builder filter(Filter filter) {
      filters.add(Objects.requireNonNull(filter, "filter == null"));
      return this;
    }

    /** Routes {@code GET pattern} to {@code handler}; {@code {name}} segments are path parameters. */
    public Builder get(String pattern, Handler handler) {
      return route(Method.GET, pattern, handler);
    }

    /** Routes {@code POST pattern} to {@code handler}. */
    public Builder post(String pattern, Handler handler) {
      return route(Method.POST, pattern, handler);
    }

    /** Routes {@code PUT pattern} to {@code handler}. */
    public Builder put(String pattern, Handler handler) {
      return route(Method.PUT, pattern, handler);
    }

    /** Routes {@code DELETE pattern} to {@code handler}. */
    public Builder delete(String pattern, Handler handler) {
      return route(Method.DELETE, pattern, handler);
    }

    /** Routes {@code method pattern} to {@code handler}; a second route with the same method and shape is rejected. */
    public Builder route(Method method, String pattern, Handler handler) {
      Objects.requireNonNull(handler, "handler == null");
      return add(method, pattern, request -> CompletableFuture.completedFuture(handler.handle(request)), null);
    }

    /**
     * Routes {@code method pattern} to a handler whose response may complete later, without
     * holding a worker while it waits (see {@link AsyncHandler}).
     */
    public Builder routeAsync(Method method, String pattern, AsyncHandler handler) {
      Objects.requireNonNull(handler, "handler == null");
      return add(method, pattern, handler, null);
    }

    /** Routes {@code GET pattern} to an event stream started by {@code handler}. */
    public Builder sse(String pattern, SseHandler handler) {
      return sse(Method.GET, pattern, handler);
    }

    /** Routes {@code method pattern} to an event stream, e.g. {@code POST} for LLM-style streaming APIs. */
    public Builder sse(Method method, String pattern, SseHandler handler) {
      Objects.requireNonNull(handler, "handler == null");
      return add(method, pattern, null, handler);
    }

    /**
     * Serves the files under {@code directory} for {@code GET} requests below {@code urlPrefix};
     * a directory serves its {@code index.html}. Paths never escape the directory.
     */
    public Builder staticFiles(String urlPrefix, Path directory) {
      Objects.requireNonNull(directory, "directory == null");
      mounts.add(StaticFiles.directory(checkPrefix(urlPrefix), directory));
      return this;
    }

    /**
     * Serves the class-path resources under {@code resourceRoot} for {@code GET} requests below
     * {@code urlPrefix}; {@code ("/", "web")} serves {@code web/index.html} at {@code /}. Uses the
     * calling thread's context class loader.
     */
    public Builder classpathFiles(String urlPrefix, String resourceRoot) {
      Objects.requireNonNull(resourceRoot, "resourceRoot == null");
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = Routing.class.getClassLoader();
      }
      mounts.add(StaticFiles.classpath(checkPrefix(urlPrefix), loader, resourceRoot));
      return this;
    }

    /** Builds the immutable routing. */
    public Routing build() {
      return new Routing(this);
    }

    private Builder add(Method method, String pattern, AsyncHandler handler, SseHandler sse) {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(pattern, "pattern == null");
      RoutePattern parsed = RoutePattern.parse(pattern);
      String earlier = shapes.putIfAbsent(method + " " + parsed.shape(), pattern);
      if (earlier != null) {
        throw new IllegalArgumentException("duplicate route: " + method + " " + pattern
            + (earlier.equals(pattern) ? " is already registered" : " matches the same paths as " + method + " " + earlier)
            + ": register each method and path shape once");
      }
      routes.add(new Route(method, parsed, handler, sse));
      return this;
    }

    private static String checkPrefix(String prefix) {
      Objects.requireNonNull(prefix, "urlPrefix == null");
      if (!prefix.startsWith("/")) {
        throw new IllegalArgumentException("urlPrefix must start with '/': '" + prefix + "'");
      }
      String p = prefix;
      while (p.length() > 1 && p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      return p;
    }
  }
}
