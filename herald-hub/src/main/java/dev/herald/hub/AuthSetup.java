package dev.herald.hub;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The start-up rules of hub authorization, applied to a {@link HubConfig}: loads the keys, lists
 * every problem (unreadable or unusable keys, inconsistent options, a non-loopback address
 * without a publisher key), the warnings, a one-line description of the mode, and makes the
 * {@link Authenticator}: {@link Authenticator#open()} when no key is set (open mode), else a
 * {@link JwtAuthenticator}. Immutable.
 */
final class AuthSetup {
  final List<String> problems;
  final List<String> warnings;
  private final AuthConfig auth;
  private final String host;
  private final Optional<JwtKey> publisherKey;
  private final Optional<JwtKey> subscriberKey;
  private final Predicate<String> cookieOrigins;

  private AuthSetup(HubConfig config, Map<String, String> env) {
    this.auth = config.auth();
    HubLimits limits = config.limits();
    // the other origins whose pages may publish with the cookie: those CORS lets send credentials,
    // matched as CORS matches them (an origin as the browser sends it, whatever case or default
    // port --cors-origins was written with)
    this.cookieOrigins = limits.corsCredentials() && !limits.corsOrigins().equals(List.of("*"))
        ? limits.cors().map(cors -> (Predicate<String>) cors::allows).orElse(origin -> false) : origin -> false;
    this.host = config.host();
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    this.publisherKey = key(auth.effectivePublisherKey(), auth.publisherJwtKey().isPresent() ? "publisher-jwt-key"
        : "jwt-key", env, problems);
    Optional<JwtKey> sub;
    if (auth.subscriberJwtKey().isEmpty() && auth.publisherJwtKey().isEmpty()) {
      sub = publisherKey; // one --jwt-key for both: loaded (and reported) once
    } else {
      sub = key(auth.effectiveSubscriberKey(), auth.subscriberJwtKey().isPresent() ? "subscriber-jwt-key" : "jwt-key",
          env, problems);
    }
    this.subscriberKey = sub;
    boolean pubSet = auth.effectivePublisherKey().isPresent();
    boolean subSet = auth.effectiveSubscriberKey().isPresent();
    if (auth.jwtKey().isPresent() && auth.publisherJwtKey().isPresent() && auth.subscriberJwtKey().isPresent()) {
      problems.add("--jwt-key is never used: --publisher-jwt-key and --subscriber-jwt-key are both set (drop one)");
    }
    if (!pubSet && !auth.allowAnonymousPublish() && !isLoopback(host)) {
      problems.add("--host " + host + " is not a loopback address and no publisher key is set, so anyone who can "
          + "reach the hub could publish: set --jwt-key (or --publisher-jwt-key), or --allow-anonymous-publish "
          + "if that is really wanted");
    }
    if (auth.anonymous().equals(Optional.of(false)) && !subSet) {
      problems.add("--anonymous is false but no subscriber key is set (--jwt-key or --subscriber-jwt-key): "
          + "nobody could subscribe");
    }
    if (config.subscriptions() && !subSet) {
      problems.add("--subscriptions needs a subscriber key (--jwt-key or --subscriber-jwt-key): subscription events "
          + "are private, and without a key nobody could be authorized to read them or the subscriptions API");
    }
    if (!auth.hasKey()) {
      auth.issuer().ifPresent(i -> problems.add("--jwt-issuer is set but no key is: no token is checked"));
      auth.audience().ifPresent(a -> problems.add("--jwt-audience is set but no key is: no token is checked"));
    }
    if (auth.allowAnonymousPublish()) {
      warnings.add("--allow-anonymous-publish: anyone who can reach " + host + " may publish to any topic without"
          + " a token");
    }
    this.problems = List.copyOf(problems);
    this.warnings = List.copyOf(warnings);
  }

  /** The setup of {@code config}; {@code env} resolves {@code env:NAME} keys. */
  static AuthSetup of(HubConfig config, Map<String, String> env) {
    return new AuthSetup(config, env);
  }

  /**
   * The authenticator of a configuration without problems, checking time with {@code clock};
   * throws {@link IllegalArgumentException} listing the problems otherwise.
   */
  Authenticator authenticator(Clock clock) {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    if (!auth.hasKey()) {
      return Authenticator.open();
    }
    return new JwtAuthenticator(
        publisherKey.map(k -> new JwtVerifier(k, "publisher", auth.issuer(), auth.audience(), clock)),
        subscriberKey.map(k -> new JwtVerifier(k, "subscriber", auth.issuer(), auth.audience(), clock)),
        auth.cookieName(), auth.anonymousSubscribers(), auth.allowAnonymousPublish(), cookieOrigins);
  }

  /** One line saying who may publish and subscribe. */
  String describe() {
    if (!auth.hasKey()) {
      return "Open mode: no JWT key is set, so anyone who can reach " + host + " may publish and subscribe without"
          + " a token (set --jwt-key to require tokens)";
    }
    String publish = publisherKey.map(k -> "publishing needs a token verified with " + k.description()
            + (auth.allowAnonymousPublish() ? " or none at all (--allow-anonymous-publish)" : ""))
        .orElse("publishing needs no token (no publisher key)");
    String subscribe = subscriberKey.map(k -> "subscribing takes a token verified with "
            + (subscriberKey.equals(publisherKey) ? "the same key" : k.description())
            + (auth.anonymousSubscribers() ? "; without one, public updates only (--anonymous)"
                : " and needs one (no --anonymous)"))
        .orElse("subscribers need no token and get public updates only (no subscriber key)");
    return "Tokens: " + publish + "; " + subscribe;
  }

  /** Whether {@code host} is a loopback address (names resolved; an unresolvable one is not). */
  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static Optional<JwtKey> key(Optional<String> spec, String option, Map<String, String> env,
      List<String> problems) {
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JwtKey.load(spec.get(), option, env));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return Optional.empty();
    }
  }
}
