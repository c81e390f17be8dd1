package dev.herald.hub;

import dev.herald.server.HttpException;
import dev.herald.server.Request;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides access from JWTs ({@link JwtVerifier}) taken from the request ({@link TokenSources}).
 * Publishing: without a publisher key, open (the start-up rules allow that only on loopback or
 * with {@code --allow-anonymous-publish}); with one, a token is verified, and a request without
 * one is refused unless anonymous publishing is allowed. Subscribing: without a subscriber key,
 * everyone is anonymous (public updates only); with one, a token is verified, and a request
 * without one is anonymous if allowed, else refused. A refusal is a {@code 401} with
 * {@code WWW-Authenticate: Bearer} and a message that says which token source was used and why.
 * Immutable and thread-safe.
 */
final class JwtAuthenticator implements Authenticator {
  private final Optional<JwtVerifier> publisher;
  private final Optional<JwtVerifier> subscriber;
  private final String cookieName;
  private final boolean anonymousSubscribers;
  private final boolean anonymousPublish;

  JwtAuthenticator(Optional<JwtVerifier> publisher, Optional<JwtVerifier> subscriber, String cookieName,
      boolean anonymousSubscribers, boolean anonymousPublish) {
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
    return verify(publisher.get(), found.get());
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
