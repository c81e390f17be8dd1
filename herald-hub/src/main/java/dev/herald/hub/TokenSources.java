package dev.herald.hub;

import dev.herald.server.Request;
import java.util.List;
import java.util.Optional;

/**
 * Where a request's token comes from, in this order: the {@code Authorization: Bearer …} header,
 * the {@code authorization} query parameter, the cookie (by default
 * {@value AuthConfig#DEFAULT_COOKIE_NAME}). The first of these that is present is the token;
 * the others are not looked at, so a refused header token is refused even when a good cookie
 * comes with it. Stateless.
 */
final class TokenSources {
  /** The query parameter a token may come in (a last resort: URLs end up in logs). */
  static final String QUERY_PARAMETER = "authorization";

  /** A token and where it came from ("the Authorization header", …). */
  static final class Found {
    final String token;
    final String source;
    /** Whether the token came from the cookie, which a browser also sends with requests other sites make. */
    final boolean cookie;

    Found(String token, String source, boolean cookie) {
      this.token = token;
      this.source = source;
      this.cookie = cookie;
    }
  }

  private TokenSources() {}

  /**
   * The token of {@code request}, if it carries one; throws {@link SourceRefused} for an
   * {@code Authorization} header that is not a bearer token, an empty query parameter, or a
   * header or query parameter given twice.
   */
  static Optional<Found> find(Request request, String cookieName) {
    List<String> headers = request.headers("Authorization");
    if (!headers.isEmpty()) {
      String source = "Authorization header";
      if (headers.size() > 1) {
        throw new SourceRefused(source, "the Authorization header is given more than once");
      }
      String value = headers.get(0).strip();
      int space = value.indexOf(' ');
      String scheme = space < 0 ? value : value.substring(0, space);
      if (!scheme.equalsIgnoreCase("Bearer")) {
        throw new SourceRefused(source, "the Authorization header must be 'Bearer <token>', not the '"
            + SubscribeHandler.echo(scheme) + "' scheme");
      }
      String token = space < 0 ? "" : value.substring(space + 1).strip();
      if (token.isEmpty()) {
        throw new SourceRefused(source, "the Authorization header has no token after 'Bearer'");
      }
      return Optional.of(new Found(token, source, false));
    }
    List<String> query = request.queryAll(QUERY_PARAMETER);
    if (!query.isEmpty()) {
      String source = QUERY_PARAMETER + " query parameter";
      if (query.size() > 1) {
        throw new SourceRefused(source, "the " + QUERY_PARAMETER + " query parameter is given more than once");
      }
      if (query.get(0).isEmpty()) {
        throw new SourceRefused(source, "the " + QUERY_PARAMETER + " query parameter is empty");
      }
      return Optional.of(new Found(query.get(0), source, false));
    }
    for (String header : request.headers("Cookie")) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equals(cookieName)) {
          String value = pair.substring(eq + 1).strip();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          if (!value.isEmpty()) { // an emptied cookie (a logout) is no token
            return Optional.of(new Found(value, cookieName + " cookie", true));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A token source that cannot be read, and which one. */
  static final class SourceRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String source;

    SourceRefused(String source, String reason) {
      super(reason, null, false, false);
      this.source = source;
    }
  }
}
