package dev.herald.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code herald token}: prints a JWT the hub accepts, with {@code mercure.publish},
 * {@code mercure.subscribe}, {@code mercure.payload}, {@code sub}, {@code iat} and {@code exp},
 * signed with the hub's HMAC secret (from {@code --jwt-key}, or the hub's configuration:
 * {@code HERALD_JWT_KEY} and friends, {@code --config}) or with an RSA/EC private key
 * ({@code --private-key}). The token alone goes to stdout. Stateless.
 */
final class TokenCommand {
  static final Duration DEFAULT_TTL = Duration.ofHours(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenCommand() {}

  /** The command's options. */
  static CommandSpec spec(OptionSpec help) {
    CommandSpec token = CommandSpec.create().name("token");
    token.addOption(help);
    token.usageMessage().description("Print a JWT the hub accepts (the token alone, on stdout).",
        "",
        "  ./herald token --publish 'chat/*' --subscribe 'users/42/**' --ttl 1h",
        "",
        "The key is --jwt-key (an HMAC secret: env:NAME, file:PATH or the secret itself), or --private-key for an "
            + "RSA/EC key; without either, the hub's own configuration (HERALD_JWT_KEY, HERALD_PUBLISHER_JWT_KEY, "
            + "HERALD_SUBSCRIBER_JWT_KEY, --config FILE) gives it, and its --jwt-issuer/--jwt-audience too.",
        "");
    token.addOption(multi("--publish", "topic selector the token may publish to (repeatable; '*' = every topic)"));
    token.addOption(multi("--subscribe", "topic selector whose private updates the token may receive (repeatable)"));
    token.addOption(single("--ttl", "DURATION", "lifetime: exp = now + ttl; 0 = no exp (default 1h)"));
    token.addOption(single("--sub", "SUBJECT", "the sub claim (who the bearer is)"));
    token.addOption(single("--payload", "JSON", "the mercure.payload claim, any JSON value"));
    token.addOption(OptionSpec.builder("--jwt-key", "--key").paramLabel("KEY").type(String.class)
        .description("HMAC secret to sign with: env:NAME, file:PATH or the secret (at least 32 bytes)").build());
    token.addOption(single("--private-key", "FILE", "PKCS#8 PEM RSA or EC private key to sign with (RS256/ES256…); "
        + "an RSA/EC hub key cannot sign, its private half is needed"));
    token.addOption(single("--alg", "ALG", "signing algorithm (default HS256, RS256, or the EC curve's ES256/384/512)"));
    token.addOption(single("--kid", "KID", "the kid header (to pick a key of a JWKS)"));
    token.addOption(single("--jwt-issuer", "ISS", "the iss claim (default: the hub's --jwt-issuer)"));
    token.addOption(single("--jwt-audience", "AUD", "the aud claim (default: the hub's --jwt-audience)"));
    token.addOption(single("--config", "FILE", "the hub's properties file (or " + Settings.CONFIG_VARIABLE + ")"));
    return token;
  }

  /** Runs the parsed command; returns the exit code. */
  static int run(ParseResult cmd, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
    try {
      out.println(token(cmd, env, clock));
      out.flush();
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("herald token: " + e.getMessage());
      return HubMain.EXIT_USAGE;
    }
  }

  private static String token(ParseResult cmd, Map<String, String> env, Clock clock) {
    List<String> publish = values(cmd, "--publish");
    List<String> subscribe = values(cmd, "--subscribe");
    check(publish, "--publish");
    check(subscribe, "--subscribe");
    Duration ttl = option(cmd, "--ttl").map(v -> {
      try {
        return Units.duration(v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--ttl: " + e.getMessage());
      }
    }).orElse(DEFAULT_TTL);
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("--ttl must not be negative");
    }
    String file = option(cmd, "--config").orElse(env.get(Settings.CONFIG_VARIABLE));
    AuthConfig hub = Settings.resolve(file == null || file.isEmpty() ? null : Paths.get(file), env, Map.of(),
        warning -> { }).auth();

    Instant now = clock.instant();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issueTime(java.util.Date.from(now));
    if (!ttl.isZero()) {
      claims.expirationTime(java.util.Date.from(now.plus(ttl)));
    }
    option(cmd, "--sub").ifPresent(claims::subject);
    option(cmd, "--jwt-issuer").or(hub::issuer).ifPresent(claims::issuer);
    option(cmd, "--jwt-audience").or(hub::audience).ifPresent(claims::audience);
    Map<String, Object> mercure = new LinkedHashMap<>();
    if (!publish.isEmpty()) {
      mercure.put("publish", publish);
    }
    if (!subscribe.isEmpty()) {
      mercure.put("subscribe", subscribe);
    }
    option(cmd, "--payload").ifPresent(p -> mercure.put("payload", payload(p)));
    if (!mercure.isEmpty()) {
      claims.claim("mercure", mercure);
    }

    Optional<String> alg = option(cmd, "--alg");
    Optional<String> privateKey = option(cmd, "--private-key");
    Optional<String> jwtKey = option(cmd, "--jwt-key");
    JWSSigner signer;
    JWSAlgorithm algorithm;
    if (privateKey.isPresent()) {
      if (jwtKey.isPresent()) {
        throw new IllegalArgumentException("give --jwt-key or --private-key, not both");
      }
      PrivateKey key;
      try {
        key = PemKeys.privateKey(new String(JwtKey.read(Paths.get(privateKey.get())), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--private-key: " + e.getMessage());
      }
      if (key instanceof RSAPrivateKey) {
        algorithm = alg.map(JWSAlgorithm::parse).orElse(JWSAlgorithm.RS256);
        requireIn(algorithm, JWSAlgorithm.Family.RSA, "an RSA key");
        signer = new RSASSASigner(key);
      } else {
        ECPrivateKey ec = (ECPrivateKey) key;
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        JWSAlgorithm fits = Curve.P_256.equals(curve) ? JWSAlgorithm.ES256 : Curve.P_384.equals(curve)
            ? JWSAlgorithm.ES384 : JWSAlgorithm.ES512;
        algorithm = alg.map(JWSAlgorithm::parse).orElse(fits);
        if (!algorithm.equals(fits)) {
          throw new IllegalArgumentException("--alg " + algorithm + " does not fit this EC key (its curve takes " + fits + ")");
        }
        try {
          signer = new ECDSASigner(ec);
        } catch (JOSEException e) {
          throw new IllegalArgumentException("--private-key: unusable EC key: " + e.getMessage());
        }
      }
    } else {
      String[] key = jwtKey.map(k -> new String[] {k, "jwt-key"}).orElseGet(() -> configured(hub, publish, subscribe));
      byte[] secret = JwtKey.signingSecret(key[0], key[1], env);
      algorithm = alg.map(JWSAlgorithm::parse).orElse(JWSAlgorithm.HS256);
      requireIn(algorithm, JWSAlgorithm.Family.HMAC_SHA, "an HMAC secret");
      if (!JwtKey.hmacAlgorithms(secret.length).contains(algorithm)) {
        throw new IllegalArgumentException("--alg " + algorithm + " needs a secret of at least "
            + algorithm.getName().substring(2) + " bits; this one is " + secret.length * 8);
      }
      try {
        signer = new MACSigner(secret);
      } catch (JOSEException e) {
        throw new IllegalArgumentException("--" + key[1] + ": " + e.getMessage());
      }
    }
    JWSHeader.Builder header = new JWSHeader.Builder(algorithm);
    option(cmd, "--kid").ifPresent(header::keyID);
    SignedJWT jwt = new SignedJWT(header.build(), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign: " + e.getMessage());
    }
    return jwt.serialize();
  }

  /** The hub's configured key for the token's role, and its option name. */
  private static String[] configured(AuthConfig hub, List<String> publish, List<String> subscribe) {
    Optional<String> pub = hub.effectivePublisherKey();
    Optional<String> sub = hub.effectiveSubscriberKey();
    if (!publish.isEmpty() && !subscribe.isEmpty() && !pub.equals(sub)) {
      throw new IllegalArgumentException("the hub has separate publisher and subscriber keys: make one token with "
          + "--publish and another with --subscribe");
    }
    boolean publisher = !publish.isEmpty();
    Optional<String> key = publisher ? pub : sub;
    if (key.isEmpty()) {
      throw new IllegalArgumentException("no key to sign with: give --jwt-key KEY (the hub's HMAC secret: env:NAME, "
          + "file:PATH or the secret), or --private-key FILE for an RSA/EC key; the hub's HERALD_JWT_KEY is read too");
    }
    String option = publisher ? (hub.publisherJwtKey().isPresent() ? "publisher-jwt-key" : "jwt-key")
        : (hub.subscriberJwtKey().isPresent() ? "subscriber-jwt-key" : "jwt-key");
    return new String[] {key.get(), option};
  }

  private static void requireIn(JWSAlgorithm alg, JWSAlgorithm.Family family, String what) {
    if (!family.contains(alg)) {
      throw new IllegalArgumentException("--alg " + alg + " cannot be used with " + what + " (use one of "
          + JwtKey.names(new java.util.LinkedHashSet<>(family)) + ")");
    }
  }

  private static Object payload(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("--payload must be JSON: " + e.getOriginalMessage());
    }
  }

  private static void check(List<String> selectors, String option) {
    try {
      TopicClaim.of(selectors);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  private static List<String> values(ParseResult cmd, String name) {
    String[] v = cmd.matchedOptionValue(name, new String[0]);
    return Arrays.asList(v);
  }

  private static Optional<String> option(ParseResult cmd, String name) {
    return Optional.ofNullable(cmd.matchedOptionValue(name, (String) null));
  }

  private static OptionSpec single(String name, String label, String help) {
    return OptionSpec.builder(name).paramLabel(label).type(String.class).description(help).build();
  }

  private static OptionSpec multi(String name, String help) {
    return OptionSpec.builder(name).paramLabel("SELECTOR").type(String[].class).description(help).build();
  }
}
