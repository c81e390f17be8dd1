package dev.herald.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies one token against one {@link JwtKey} and turns its claims into an {@link Access}, or
 * says exactly why it is refused. The checks, in order: well-formed, signed (never
 * {@code alg: none}), an algorithm the key accepts (so an HS token is refused against an RSA
 * key), the signature, {@code exp} (refused from that second on), {@code nbf} (refused before
 * it), {@code iss} and {@code aud} when configured, then the {@code mercure} claim. No clock skew
 * is allowed. Immutable and thread-safe.
 */
final class JwtVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Thrown with the reason a token is refused (the message for the client). */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  private final JwtKey key;
  private final String role;
  private final Optional<String> issuer;
  private final Optional<String> audience;
  private final Clock clock;

  /** A verifier of {@code role} ("publisher" or "subscriber") tokens. */
  JwtVerifier(JwtKey key, String role, Optional<String> issuer, Optional<String> audience, Clock clock) {
    this.key = Objects.requireNonNull(key, "key == null");
    this.role = Objects.requireNonNull(role, "role == null");
    this.issuer = Objects.requireNonNull(issuer, "issuer == null");
    this.audience = Objects.requireNonNull(audience, "audience == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  JwtKey key() {
    return key;
  }

  /** The access {@code token} grants; throws {@link Refused} saying why it grants none. */
  Access verify(String token) {
    refuseUnsigned(token);
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new Refused("malformed token: " + e.getMessage());
    }
    if (jwt instanceof PlainJWT) {
      throw new Refused("alg 'none' (an unsigned token) is never accepted");
    }
    if (!(jwt instanceof SignedJWT)) {
      throw new Refused("encrypted tokens (JWE) are not accepted; send a signed one (JWS)");
    }
    SignedJWT signed = (SignedJWT) jwt;
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    if (!key.algorithms().contains(alg)) {
      throw new Refused("alg '" + SubscribeHandler.echo(alg.getName()) + "' is not accepted: the hub's " + role
          + " key takes " + JwtKey.names(key.algorithms()));
    }
    if (signed.getHeader().getCriticalParams() != null && !signed.getHeader().getCriticalParams().isEmpty()) {
      throw new Refused("critical header parameters (crit) are not supported");
    }
    Optional<String> bad = key.verify(signed, role);
    if (bad.isPresent()) {
      throw new Refused(bad.get());
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new Refused("malformed claims: " + e.getMessage());
    }
    return access(claims);
  }

  /** {@code alg: none} is refused as such, also when the token is otherwise malformed (e.g. carries a signature). */
  private static void refuseUnsigned(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return;
    }
    try {
      Header header = Header.parse(new Base64URL(token.substring(0, dot)));
      if (Algorithm.NONE.equals(header.getAlgorithm())) {
        throw new Refused("alg 'none' (an unsigned token) is never accepted");
      }
    } catch (ParseException e) {
      // malformed: JWTParser says how
    }
  }

  private Access access(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp != null && !now.isBefore(exp.toInstant())) {
      throw new Refused("expired at " + exp.toInstant() + " (exp); the hub's time is " + seconds(now)
          + " and no clock skew is allowed");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant())) {
      throw new Refused("not valid before " + nbf.toInstant() + " (nbf); the hub's time is " + seconds(now)
          + " and no clock skew is allowed");
    }
    if (issuer.isPresent()) {
      String iss = claims.getIssuer();
      if (iss == null) {
        throw new Refused("iss is missing; this hub accepts only tokens issued by '" + issuer.get() + "'");
      }
      if (!iss.equals(issuer.get())) {
        throw new Refused("iss '" + SubscribeHandler.echo(iss) + "' is not the expected issuer '" + issuer.get() + "'");
      }
    }
    if (audience.isPresent()) {
      List<String> aud = claims.getAudience();
      if (aud.isEmpty()) {
        throw new Refused("aud is missing; this hub accepts only tokens for audience '" + audience.get() + "'");
      }
      if (!aud.contains(audience.get())) {
        throw new Refused("aud " + SubscribeHandler.echo(aud.toString()) + " does not include the expected audience '"
            + audience.get() + "'");
      }
    }
    TopicClaim publish = TopicClaim.NONE;
    TopicClaim subscribe = TopicClaim.NONE;
    Optional<String> payload = Optional.empty();
    Object mercure = claims.getClaim("mercure");
    if (mercure != null) {
      if (!(mercure instanceof Map)) {
        throw new Refused("the mercure claim must be a JSON object");
      }
      Map<?, ?> m = (Map<?, ?>) mercure;
      publish = topics(m.get("publish"), "publish");
      subscribe = topics(m.get("subscribe"), "subscribe");
      if (m.containsKey("payload")) {
        try {
          payload = Optional.of(JSON.writeValueAsString(m.get("payload")));
        } catch (JsonProcessingException e) {
          throw new Refused("mercure.payload cannot be read as JSON");
        }
      }
    }
    return Access.token(Optional.ofNullable(claims.getSubject()), publish, subscribe, payload,
        Optional.ofNullable(exp).map(Date::toInstant));
  }

  private static TopicClaim topics(Object value, String name) {
    if (value == null) {
      return TopicClaim.NONE;
    }
    if (!(value instanceof List)) {
      throw new Refused("mercure." + name + " must be an array of strings (topic selectors, or \"*\" for every topic)");
    }
    List<String> selectors = new ArrayList<>();
    List<?> list = (List<?>) value;
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String)) {
        throw new Refused("mercure." + name + " must be an array of strings: item " + i + " is not a string");
      }
      selectors.add((String) list.get(i));
    }
    try {
      return TopicClaim.of(selectors);
    } catch (IllegalArgumentException e) {
      throw new Refused("mercure." + name + ": " + e.getMessage());
    }
  }

  private static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }
}
