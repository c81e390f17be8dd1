package dev.herald.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keys and JWTs for tests, made with nimbus directly (not with the hub's own code). */
final class TestTokens {
  /** A 44-byte HMAC secret (HS256 only). */
  static final String SECRET = "test-secret-0123456789-abcdefghijklmnopqrstu";
  static final String OTHER_SECRET = "another-secret-0123456789-abcdefghijklmnopq";

  private TestTokens() {}

  /** Claims valid at {@code now} for an hour, with the given mercure claims (null = absent). */
  static JWTClaimsSet.Builder claims(Instant now, List<String> publish, List<String> subscribe) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600)));
    Map<String, Object> mercure = new LinkedHashMap<>();
    if (publish != null) {
      mercure.put("publish", publish);
    }
    if (subscribe != null) {
      mercure.put("subscribe", subscribe);
    }
    return b.claim("mercure", mercure);
  }

  static String hs256(String secret, JWTClaimsSet claims) {
    try {
      return sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(KeyPair rsa, JWTClaimsSet claims) {
    return sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims);
  }

  static String es256(KeyPair ec, JWTClaimsSet claims) {
    try {
      return sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims) {
    return sign(signer, new JWSHeader.Builder(alg).build(), claims);
  }

  static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** An unsigned token: header {@code {"alg":"none"}}, then {@code signature} as the third part. */
  static String unsigned(JWTClaimsSet claims, String signature) {
    return Base64URL.encode("{\"alg\":\"none\"}") + "." + Base64URL.encode(claims.toString()) + "." + signature;
  }

  /** {@code token} with its payload replaced by {@code claims} (signature kept). */
  static String withPayload(String token, JWTClaimsSet claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + Base64URL.encode(claims.toString()) + "." + parts[2];
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** Writes the public key of {@code pair} as a PEM {@code PUBLIC KEY} file and returns it. */
  static Path publicPem(Path dir, String name, KeyPair pair) {
    return write(dir.resolve(name), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
  }

  /** Writes the private key of {@code pair} as a PKCS#8 PEM file and returns it. */
  static Path privatePem(Path dir, String name, KeyPair pair) {
    return write(dir.resolve(name), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
  }

  static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
