package dev.herald.server;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds the route for a method and path; immutable and thread-safe. */
final class Router {
  private final Routing routing;

  Router(Routing routing) {
    this.routing = routing;
  }

  /** The filters every routed request goes through. */
  Filters filters() {
    return routing.filters();
  }

  /** The outcome of routing one request. */
  sealed interface Match permits Found, FileMount, NotAllowed, NotFound {}

  /** A route matched; {@code params} are the decoded path parameters. */
  record Found(Routing.Route route, Map<String, String> params) implements Match {}

  /** A file mount covers the path; {@code rest} is the raw path below the mount prefix. */
  record FileMount(StaticFiles mount, String rest) implements Match {}

  /** The path exists for other methods only. */
  record NotAllowed(Set<Method> allowed) implements Match {}

  /** Nothing serves the path. */
  record NotFound() implements Match {}

  /** The methods some route or mount answers for {@code rawPath}. */
  Set<Method> allowed(String rawPath) {
    List<String> segments = PathCodec.decodedSegments(rawPath);
    Set<Method> allowed = EnumSet.noneOf(Method.class);
    for (Routing.Route route : routing.routes()) {
      if (route.pattern().match(segments) != null) {
        allowed.add(route.method());
      }
    }
    for (StaticFiles mount : routing.mounts()) {
      if (mount.rest(rawPath) != null) {
        allowed.add(Method.GET);
      }
    }
    return allowed;
  }

  /** Routes {@code method} and {@code rawPath}; a malformed escape throws {@link IllegalArgumentException}. */
  Match match(Method method, String rawPath) {
    List<String> segments = PathCodec.decodedSegments(rawPath);
    Set<Method> allowed = EnumSet.noneOf(Method.class);
    for (Routing.Route route : routing.routes()) {
      Map<String, String> params = route.pattern().match(segments);
      if (params == null) {
        continue;
      }
      if (route.method() == method) {
        return new Found(route, params);
      }
      allowed.add(route.method());
    }
    if (!allowed.isEmpty()) {
      return new NotAllowed(allowed);
    }
    if (method == Method.GET || method == Method.OPTIONS) {
      for (StaticFiles mount : routing.mounts()) {
        String rest = mount.rest(rawPath);
        if (rest != null) { // OPTIONS keeps the 405 it had before it was a Method (other methods: 404)
          return method == Method.GET ? new FileMount(mount, rest) : new NotAllowed(EnumSet.of(Method.GET));
        }
      }
    }
    return new NotFound();
  }
}
