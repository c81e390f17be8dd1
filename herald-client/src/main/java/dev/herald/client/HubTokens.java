package dev.herald.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Authorization} a {@link HubPublisher} sends: none, a static bearer token, or HS256
 * JWTs it mints from an HMAC secret with {@code mercure.publish} (the configured selectors),
 * {@code iat} and {@code exp = iat + ttl}, optionally {@code iss} and {@code aud}. A minted token
 * is reused until half its lifetime is gone, then replaced, so a request never carries a token
 * close to its expiry. Thread-safe.
 */
final class HubTokens {
  private final Optional<String> staticToken;
  private final byte[] secret; // empty: no minting
  private final List<String> publish;
  private final Duration ttl;
  private final Optional<String> issuer;
  private final Optional<String> audience;
  private String minted; // guarded by this
  private Instant renewAt = Instant.MIN; // guarded by this

  private HubTokens(Optional<String> staticToken, byte[] secret, List<String> publish, Duration ttl,
      Optional<String> issuer, Optional<String> audience) {
    this.staticToken = staticToken;
    this.secret = secret.clone();
    this.publish = List.copyOf(publish);
    this.ttl = ttl;
    this.issuer = issuer;
    this.audience = audience;
  }

  static HubTokens none() {
    return new HubTokens(Optional.empty(), new byte[0], List.of(), Duration.ZERO, Optional.empty(), Optional.empty());
  }

  static HubTokens bearer(String token) {
    return new HubTokens(Optional.of(token), new byte[0], List.of(), Duration.ZERO, Optional.empty(), Optional.empty());
  }

  static HubTokens minting(byte[] secret, List<String> publish, Duration ttl, Optional<String> issuer,
      Optional<String> audience) {
    return new HubTokens(Optional.empty(), secret, publish, ttl, issuer, audience);
  }

  /** The token to send at {@code now}, if any. */
  synchronized Optional<String> token(Instant now) {
    if (staticToken.isPresent() || secret.length == 0) {
      return staticToken;
    }
    if (minted == null || !now.isBefore(renewAt)) {
      minted = mint(now);
      renewAt = now.plus(ttl.dividedBy(2));
    }
    return Optional.of(minted);
  }

  private String mint(Instant now) {
    long iat = now.getEpochSecond();
    long exp = iat + Math.max(1, ttl.toSeconds());
    StringBuilder claims = new StringBuilder("{\"mercure\":{\"publish\":[");
    for (int i = 0; i < publish.size(); i++) {
      claims.append(i == 0 ? "" : ",");
      PublishWire.jsonString(claims, publish.get(i));
    }
    claims.append("]},\"iat\":").append(iat).append(",\"exp\":").append(exp);
    issuer.ifPresent(i -> PublishWire.jsonString(claims.append(",\"iss\":"), i));
    audience.ifPresent(a -> PublishWire.jsonString(claims.append(",\"aud\":"), a));
    claims.append('}');
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
