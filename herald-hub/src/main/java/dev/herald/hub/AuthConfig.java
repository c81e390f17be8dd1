package dev.herald.hub;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may publish and subscribe: the JWT keys the hub verifies tokens with, the claims it
 * checks, where it looks for a token, and the rules for requests without one. Immutable; build
 * with {@link #builder()}. Without any key the hub runs in <em>open mode</em> (allowed only on a
 * loopback address unless {@link Builder#allowAnonymousPublish(boolean)} is set).
 *
 * <p>A key is given as text: {@code env:NAME} (an HMAC secret read from environment variable
 * {@code NAME}), {@code file:PATH} (a file holding an HMAC secret, a PEM public key or
 * certificate, or a JWKS), or the HMAC secret itself. {@link #toString()} never shows a secret.
 */
public final class AuthConfig {
  /** The default name of the cookie a token may come in (Mercure's). */
  public static final String DEFAULT_COOKIE_NAME = "mercureAuthorization";

  private final Optional<String> jwtKey;
  private final Optional<String> publisherJwtKey;
  private final Optional<String> subscriberJwtKey;
  private final Optional<String> issuer;
  private final Optional<String> audience;
  private final String cookieName;
  private final Optional<Boolean> anonymous;
  private final boolean allowAnonymousPublish;

  private AuthConfig(Builder b) {
    this.jwtKey = b.jwtKey;
    this.publisherJwtKey = b.publisherJwtKey;
    this.subscriberJwtKey = b.subscriberJwtKey;
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.cookieName = b.cookieName;
    this.anonymous = b.anonymous;
    this.allowAnonymousPublish = b.allowAnonymousPublish;
  }

  /** A builder holding the defaults: no key (open mode), cookie {@value #DEFAULT_COOKIE_NAME}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The key for publisher and subscriber tokens ({@code --jwt-key}), unless split. */
  public Optional<String> jwtKey() {
    return jwtKey;
  }

  /** The key for publisher tokens ({@code --publisher-jwt-key}); wins over {@link #jwtKey()}. */
  public Optional<String> publisherJwtKey() {
    return publisherJwtKey;
  }

  /** The key for subscriber tokens ({@code --subscriber-jwt-key}); wins over {@link #jwtKey()}. */
  public Optional<String> subscriberJwtKey() {
    return subscriberJwtKey;
  }

  /** The key publisher tokens are verified with: {@link #publisherJwtKey()}, else {@link #jwtKey()}. */
  public Optional<String> effectivePublisherKey() {
    return publisherJwtKey.or(() -> jwtKey);
  }

  /** The key subscriber tokens are verified with: {@link #subscriberJwtKey()}, else {@link #jwtKey()}. */
  public Optional<String> effectiveSubscriberKey() {
    return subscriberJwtKey.or(() -> jwtKey);
  }

  /** The {@code iss} every token must carry ({@code --jwt-issuer}), if any. */
  public Optional<String> issuer() {
    return issuer;
  }

  /** The audience every token's {@code aud} must include ({@code --jwt-audience}), if any. */
  public Optional<String> audience() {
    return audience;
  }

  /** The cookie a token may come in ({@code --cookie-name}). */
  public String cookieName() {
    return cookieName;
  }

  /**
   * Whether subscribers without a token are admitted (public updates only), as set; when unset
   * ({@code Optional.empty()}), they are admitted exactly when no subscriber key is configured.
   */
  public Optional<Boolean> anonymous() {
    return anonymous;
  }

  /** Whether subscribers without a token are admitted, with the default applied. */
  public boolean anonymousSubscribers() {
    return anonymous.orElse(effectiveSubscriberKey().isEmpty());
  }

  /** Whether publishing without a token is allowed although a key is set or the host is not loopback. */
  public boolean allowAnonymousPublish() {
    return allowAnonymousPublish;
  }

  /** Whether any key is configured (otherwise the hub is in open mode). */
  public boolean hasKey() {
    return jwtKey.isPresent() || publisherJwtKey.isPresent() || subscriberJwtKey.isPresent();
  }

  @Override
  public String toString() {
    return "AuthConfig{jwtKey=" + redacted(jwtKey) + ", publisherJwtKey=" + redacted(publisherJwtKey)
        + ", subscriberJwtKey=" + redacted(subscriberJwtKey) + ", issuer=" + issuer.orElse("-") + ", audience="
        + audience.orElse("-") + ", cookieName=" + cookieName + ", anonymous=" + anonymous.map(String::valueOf)
        .orElse("default") + ", allowAnonymousPublish=" + allowAnonymousPublish + "}";
  }

  /** A key as it may be shown: {@code env:}/{@code file:} references as given, a literal secret hidden. */
  static String redacted(Optional<String> key) {
    return key.map(k -> k.startsWith("env:") || k.startsWith("file:") ? k : "<secret>").orElse("-");
  }

  /** Builds an {@link AuthConfig}; not thread-safe. Setters check their value and name the option. */
  public static final class Builder {
    private Optional<String> jwtKey = Optional.empty();
    private Optional<String> publisherJwtKey = Optional.empty();
    private Optional<String> subscriberJwtKey = Optional.empty();
    private Optional<String> issuer = Optional.empty();
    private Optional<String> audience = Optional.empty();
    private String cookieName = DEFAULT_COOKIE_NAME;
    private Optional<Boolean> anonymous = Optional.empty();
    private boolean allowAnonymousPublish;

    private Builder() {}

    private Builder(AuthConfig c) {
      jwtKey = c.jwtKey;
      publisherJwtKey = c.publisherJwtKey;
      subscriberJwtKey = c.subscriberJwtKey;
      issuer = c.issuer;
      audience = c.audience;
      cookieName = c.cookieName;
      anonymous = c.anonymous;
      allowAnonymousPublish = c.allowAnonymousPublish;
    }

    /** The key for both kinds of token: {@code env:NAME}, {@code file:PATH} or a secret. */
    public Builder jwtKey(String key) {
      this.jwtKey = Optional.of(key(key, "jwt-key"));
      return this;
    }

    /** The key for publisher tokens, in the forms of {@link #jwtKey(String)}. */
    public Builder publisherJwtKey(String key) {
      this.publisherJwtKey = Optional.of(key(key, "publisher-jwt-key"));
      return this;
    }

    /** The key for subscriber tokens, in the forms of {@link #jwtKey(String)}. */
    public Builder subscriberJwtKey(String key) {
      this.subscriberJwtKey = Optional.of(key(key, "subscriber-jwt-key"));
      return this;
    }

    /** The {@code iss} every token must carry. */
    public Builder issuer(String issuer) {
      this.issuer = Optional.of(nonEmpty(issuer, "jwt-issuer"));
      return this;
    }

    /** The audience every token's {@code aud} must include. */
    public Builder audience(String audience) {
      this.audience = Optional.of(nonEmpty(audience, "jwt-audience"));
      return this;
    }

    /** The cookie a token may come in: a cookie name (RFC 6265 token characters). */
    public Builder cookieName(String name) {
      nonEmpty(name, "cookie-name");
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
          throw new IllegalArgumentException("--cookie-name must be a cookie name: letters, digits and "
              + "!#$%&'*+-.^_`|~ only, but position " + i + " is '" + c + "'");
        }
      }
      this.cookieName = name;
      return this;
    }

    /** Whether subscribers without a token are admitted (public updates only); see {@link AuthConfig#anonymous()}. */
    public Builder anonymous(boolean allowed) {
      this.anonymous = Optional.of(allowed);
      return this;
    }

    /** Whether publishing without a token is allowed (default false). */
    public Builder allowAnonymousPublish(boolean allowed) {
      this.allowAnonymousPublish = allowed;
      return this;
    }

    /** The configuration. */
    public AuthConfig build() {
      return new AuthConfig(this);
    }

    private static String key(String key, String option) {
      nonEmpty(key, option);
      if (key.equals("env:") || key.equals("file:")) {
        throw new IllegalArgumentException("--" + option + " " + key + " needs a " + (key.equals("env:")
            ? "variable name (env:NAME)" : "path (file:PATH)"));
      }
      return key;
    }

    private static String nonEmpty(String value, String option) {
      Objects.requireNonNull(value, option + " == null");
      if (value.isEmpty()) {
        throw new IllegalArgumentException("--" + option + " must not be empty");
      }
      return value;
    }
  }
}
