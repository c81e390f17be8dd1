package dev.herald.hub;

import dev.herald.server.Request;

/**
 * Decides what the bearer of a request may do ({@link Access}), once per publish and once per
 * subscription. Thread-safe.
 */
interface Authenticator {
  /**
   * The access of the subscriber sending {@code request}: from its token, or the rule for
   * requests without one. Throws {@link dev.herald.server.HttpException} {@code 401} with a
   * message saying what is wrong when a token is present but refused, or when a token is required.
   */
  Access subscriber(Request request);

  /**
   * The access of the publisher sending {@code request}; refusals as for {@link #subscriber}, and
   * a {@code 403} for a publish authorized by the cookie from another site's page (see
   * {@link JwtAuthenticator}).
   */
  Access publisher(Request request);

  /**
   * Whether tokens are checked, so that a subscriber can be authorized for private updates.
   * {@code false} in open mode, where nobody can: the hub then refuses private publishes (400)
   * instead of storing updates no one may receive.
   */
  default boolean checksTokens() {
    return true;
  }

  /** Open mode: no token is looked at; everyone gets {@link Access#open()}. */
  static Authenticator open() {
    return OpenAuthenticator.INSTANCE;
  }

  /** The authenticator of {@link #open()}. */
  enum OpenAuthenticator implements Authenticator {
    INSTANCE;

    @Override
    public Access subscriber(Request request) {
      return Access.open();
    }

    @Override
    public Access publisher(Request request) {
      return Access.open();
    }

    @Override
    public boolean checksTokens() {
      return false;
    }
  }
}
