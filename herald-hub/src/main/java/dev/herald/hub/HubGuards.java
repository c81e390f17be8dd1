package dev.herald.hub;

import dev.herald.server.Filter;
import dev.herald.server.HttpException;
import dev.herald.server.Method;
import dev.herald.server.Request;
import dev.herald.server.Response;
import dev.herald.server.ResponseHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's {@link HubLimits} applied to requests: the connection count of plain requests (a
 * {@link Filter}; event streams are counted by {@link SubscribeHandler}) and who may read
 * {@code /metrics}. The CORS filter and the publish rate live in {@link HubLimits#cors()} and
 * {@link PublishRate}.
 *
 * <p>Threading: thread-safe.
 */
final class HubGuards {
  /** Paths never counted as connections: health checks and scrapes must answer when the hub is full. */
  private static final Set<String> UNCOUNTED = Set.of("/healthz", "/readyz", "/metrics");
  private static final String METRICS_REALM = "Bearer realm=\"herald-metrics\"";

  private final ConnectionLimiter connections;
  private final HubLimits limits;
  private final byte[] metricsTokenDigest; // empty: no token
  private final Map<Request, ConnectionLimiter.Permit> inFlight = Collections.synchronizedMap(new IdentityHashMap<>());

  HubGuards(HubLimits limits, ConnectionLimiter connections) {
    this.limits = limits;
    this.connections = connections;
    this.metricsTokenDigest = limits.metricsToken().map(HubGuards::sha256).orElse(new byte[0]);
  }

  /**
   * Counts each plain request as an open connection from its filter until its response goes out
   * (503/429 past a limit); not {@code GET /events} (its stream is counted while it lasts), nor
   * {@code /healthz}, {@code /readyz}, {@code /metrics}.
   */
  Filter connectionFilter() {
    return new Filter() {
      @Override
      public Optional<Response> before(Request request) {
        if (counted(request)) {
          inFlight.put(request, connections.acquire(request.remoteAddress()));
        }
        return Optional.empty();
      }

      @Override
      public void after(Request request, ResponseHeaders response) {
        ConnectionLimiter.Permit permit = inFlight.remove(request);
        if (permit != null) {
          permit.release();
        }
      }

      @Override
      public String toString() {
        return "connection limits";
      }
    };
  }

  private boolean counted(Request request) {
    if (!connections.enabled() || UNCOUNTED.contains(request.path())) {
      return false;
    }
    return !(request.method() == Method.GET && (request.path().equals("/events") || request.path().equals(Hub.MERCURE_PATH)));
  }

  /**
   * Empty if {@code request} may read {@code /metrics}; else its answer: {@code 403} for a
   * client that is not on loopback where only loopback is served, {@code 401} (with
   * {@code WWW-Authenticate}) without the metrics token. The token is compared in constant time
   * (digests of both, {@link MessageDigest#isEqual}).
   */
  Optional<Response> metricsRefusal(Request request) {
    if (limits.metricsLoopbackOnly() && !request.remoteAddress().getAddress().isLoopbackAddress()) {
      throw new HttpException(403, "/metrics is served to loopback clients only (--metrics-loopback-only);"
          + " scrape it from this machine, or set --metrics-token and scrape with that token");
    }
    if (metricsTokenDigest.length == 0) {
      return Optional.empty();
    }
    Optional<String> header = request.header("Authorization");
    String given = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim()).orElse("");
    if (!given.isEmpty() && MessageDigest.isEqual(sha256(given), metricsTokenDigest)) {
      return Optional.empty();
    }
    String message = header.isEmpty() ? "/metrics needs the metrics token (--metrics-token): send Authorization: Bearer <token>"
        : "/metrics refused the credentials: not the metrics token (--metrics-token)";
    return Optional.of(HubJson.error(401, "Unauthorized", message).header("WWW-Authenticate", METRICS_REALM).build());
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
