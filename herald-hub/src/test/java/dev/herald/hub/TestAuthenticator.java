package dev.herald.hub;

import dev.herald.server.Request;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * A test-only {@link Authenticator} that trusts request headers instead of verifying a JWT, so hub
 * tests can give each subscriber an {@link Access} before token verification exists:
 * {@value #SUBSCRIBE} holds the subscribe claim's selectors separated by spaces ({@code *} alone:
 * every topic), {@value #EXPIRES} an ISO-8601 {@code exp}, {@value #SUBJECT} the {@code sub}. A
 * request without {@value #SUBSCRIBE} is {@link Access#anonymous()}. Publishers may publish
 * everywhere. Tokens are "checked" ({@link #checksTokens()}), so private publishes are accepted.
 */
final class TestAuthenticator implements Authenticator {
  static final String SUBSCRIBE = "X-Test-Subscribe";
  static final String EXPIRES = "X-Test-Expires";
  static final String SUBJECT = "X-Test-Subject";

  @Override
  public Access subscriber(Request request) {
    Optional<String> claim = request.header(SUBSCRIBE);
    if (claim.isEmpty()) {
      return Access.anonymous();
    }
    String value = claim.get().trim();
    TopicClaim subscribe = value.isEmpty() ? TopicClaim.NONE : TopicClaim.of(Arrays.asList(value.split(" +")));
    return Access.token(request.header(SUBJECT), TopicClaim.NONE, subscribe, Optional.empty(),
        request.header(EXPIRES).map(Instant::parse));
  }

  @Override
  public Access publisher(Request request) {
    return Access.token(request.header(SUBJECT), TopicClaim.ALL, TopicClaim.NONE, Optional.empty(), Optional.empty());
  }
}
