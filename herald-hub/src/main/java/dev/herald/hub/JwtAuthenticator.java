package dev.herald.hub;

import dev.herald.server.HttpException;
import dev.herald.server.Request;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides access from JWTs ({@link JwtVerifier}) taken from the request ({@link TokenSources}).
 * Publishing: without a publisher key, open (the start-up rules allow that only on loopback or
 * with {@code --allow-anonymous-publish}); with one, a token is verified, and a request without
 * one is refused unless anonymous publishing is allowed. Subscribing: without a subscriber key,
 * everyone is anonymous (public updates only); with one, a token is verified, and a request
 * without one is anonymous if allowed, else refused. A refusal is a {@code 401} with
 * {@code WWW-Authenticate: Bearer} and a message that says which token source was used and why.
 *
 * <p>Cross-site request forgery: a browser sends the cookie also with a form another site's page
 * posts to {@code /publish} (a "simple" request, no preflight), so a publish authorized by the
 * cookie that carries an {@code Origin} (else a {@code Referer}) is accepted only from the hub's
 * own origin (its {@code Host}) or an origin listed for credentialed CORS; otherwise 403. A
 * request with neither header (curl, a backend) is no browser's and is not checked; the header
 * and query places cannot be filled in by another site, so they are not checked either.
 * Immutable and thread-safe.
 */
final class JwtAuthenticator implements Authenticator {
  private final Optional<JwtVerifier> publisher;
  private final Optional<JwtVerifier> subscriber;
  private final String cookieName;
  private final boolean anonymousSubscribers;
  private final boolean anonymousPublish;
  private final Predicate<String> cookieOrigins;

  /**
   * {@code cookieOrigins}: whether the other origin (an {@code Origin} value) is one whose pages
   * may publish with the cookie (a credentialed CORS origin).
   */
  JwtAuthenticator(Optional<JwtVerifier> publisher, Optional<JwtVerifier> subscriber, String cookieName,
      boolean anonymousSubscribers, boolean anonymousPublish, Predicate<String> cookieOrigins) {
    this.cookieOrigins = Objects.requireNonNull(cookieOrigins, "cookieOrigins == null");
    this.publisher = Objects.requireNonNull(publisher, "publisher == null");
    this.subscriber = Objects.requireNonNull(subscriber, "subscriber == null");
    this.cookieName = Objects.requireNonNull(cookieName, "cookieName == null");
    this.anonymousSubscribers = anonymousSubscribers;
    this.anonymousPublish = anonymousPublish;
  }

  @Override
  public Access publisher(Request request) {
    if (publisher.isEmpty()) {
      return Access.open();
    }
    Optional<TokenSources.Found> found = find(request);
    if (found.isEmpty()) {
      if (anonymousPublish) {
        return Access.open();
      }
      throw unauthorized("publishing needs a token: send 'Authorization: Bearer <token>' (or the " + cookieName
          + " cookie) with a JWT whose mercure.publish claim covers the topics", false);
    }
    Access access = verify(publisher.get(), found.get());
    if (found.get().cookie) {
      checkOrigin(request);
    }
    return access;
  }

  /** 403 unless a browser's publish authorized by the cookie comes from the hub's own origin or a listed one. */
  private void checkOrigin(Request request) {
    Optional<String> origin = request.header("Origin");
    if (origin.isEmpty()) {
      origin = request.header("Referer").flatMap(JwtAuthenticator::originOf);
    }
    if (origin.isEmpty() || cookieOrigins.test(origin.get()) || sameOrigin(origin.get(), request)) {
      return;
    }
    throw new HttpException(403, "a publish authorized by the " + cookieName + " cookie is refused from origin '"
        + SubscribeHandler.echo(origin.get()) + "' (cross-site request forgery protection): only the hub's own pages "
        + "and the origins of --cors-origins (with credentials) may publish with the cookie; nothing was published");
  }

  /** The origin ({@code scheme://host[:port]}) of a {@code Referer} URL, if it has one. */
  private static Optional<String> originOf(String url) {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getRawAuthority() == null) {
        return Optional.of("null");
      }
      return Optional.of(u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getRawAuthority().toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return Optional.of("null");
    }
  }

  /** Whether {@code origin} names the host the request was sent to (its {@code Host} header). */
  private static boolean sameOrigin(String origin, Request request) {
    Optional<String> host = request.header("Host");
    int scheme = origin.indexOf("://");
    return host.isPresent() && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host.get().strip());
  }

  @Override
  public Access subscriber(Request request) {
    if (subscriber.isEmpty()) {
      return Access.anonymous();
    }
    Optional<TokenSources.Found> found = find(request);
    if (found.isEmpty()) {
      if (anonymousSubscribers) {
        return Access.anonymous();
      }
      throw unauthorized("subscribing needs a token (this hub admits no anonymous subscribers): send "
          + "'Authorization: Bearer <token>' or the " + cookieName + " cookie", false);
    }
    return verify(subscriber.get(), found.get());
  }

  /** Private updates can be authorized only where subscriber tokens are verified. */
  @Override
  public boolean checksTokens() {
    return subscriber.isPresent();
  }

  private Optional<TokenSources.Found> find(Request request) {
    try {
      return TokenSources.find(request, cookieName);
    } catch (TokenSources.SourceRefused e) {
      throw unauthorized("token refused (" + e.source + "): " + e.getMessage(), true);
    }
  }

  private static Access verify(JwtVerifier verifier, TokenSources.Found found) {
    try {
      return verifier.verify(found.token);
    } catch (JwtVerifier.Refused e) {
      throw unauthorized("token refused (" + found.source + "): " + e.getMessage(), true);
    }
  }

  private static HttpException unauthorized(String message, boolean invalidToken) {
    return new HttpException(401, message).withHeader("WWW-Authenticate",
        invalidToken ? "Bearer error=\"invalid_token\"" : "Bearer");
  }

  @Override
  public String toString() {
    return "JwtAuthenticator{publisher=" + publisher.map(v -> v.key().description()).orElse("open")
        + ", subscriber=" + subscriber.map(v -> v.key().description()).orElse("anonymous only")
        + ", anonymousSubscribers=" + anonymousSubscribers + ", anonymousPublish=" + anonymousPublish + "}";
  }
}
