package dev.herald.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A key tokens are verified with, loaded from its text form ({@link AuthConfig}): an HMAC secret
 * (HS256, plus HS384 and HS512 when it is long enough for them), an RSA public key (RS256–RS512,
 * PS256–PS512), an EC public key (the ES algorithm of its curve), or a JWKS holding any of these
 * (each key limited to its {@code alg} when it has one). Immutable and thread-safe.
 */
final class JwtKey {
  /** The shortest HMAC secret accepted: 32 bytes, what HS256 needs (RFC 7518 §3.2). */
  static final int MIN_SECRET_BYTES = 32;

  private static final List<JWSAlgorithm> RSA_ALGS = List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

  /** One verifying key: its {@code kid} (JWKS only), the algorithms it accepts, its verifier. */
  private static final class Entry {
    final Optional<String> kid;
    final Set<JWSAlgorithm> algorithms;
    final JWSVerifier verifier;

    Entry(Optional<String> kid, Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {
      this.kid = kid;
      this.algorithms = Set.copyOf(algorithms);
      this.verifier = verifier;
    }
  }

  private final String description;
  private final List<Entry> entries;
  private final Set<JWSAlgorithm> algorithms;

  private JwtKey(String description, List<Entry> entries) {
    this.entries = List.copyOf(entries);
    this.algorithms = union(entries);
    this.description = description + " (" + names(algorithms) + ")";
  }

  private static Set<JWSAlgorithm> union(List<Entry> entries) {
    LinkedHashSet<JWSAlgorithm> all = new LinkedHashSet<>();
    for (JWSAlgorithm a : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512, JWSAlgorithm.RS256,
        JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
        JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512)) {
      for (Entry e : entries) {
        if (e.algorithms.contains(a)) {
          all.add(a);
        }
      }
    }
    return all;
  }

  /**
   * Loads the key {@code spec} of option {@code --option}, reading {@code env:NAME} from
   * {@code env}. Throws {@link IllegalArgumentException} with a message that names the option.
   */
  static JwtKey load(String spec, String option, Map<String, String> env) {
    try {
      return load(spec, env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + option + ": " + e.getMessage(), e);
    }
  }

  private static JwtKey load(String spec, Map<String, String> env) {
    if (spec.startsWith("env:")) {
      String name = spec.substring(4);
      String value = env.get(name);
      if (value == null) {
        throw new IllegalArgumentException("environment variable " + name + " is not set");
      }
      return secret(value.getBytes(StandardCharsets.UTF_8), "environment variable " + name);
    }
    if (spec.startsWith("file:")) {
      Path file = Paths.get(spec.substring(5));
      byte[] bytes = read(file);
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (PemKeys.isPem(text)) {
        PublicKey key;
        try {
          key = PemKeys.publicKey(text);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        return publicKey(key, "from " + file);
      }
      if (text.stripLeading().startsWith("{")) {
        return jwks(text, file);
      }
      return secret(stripNewline(bytes), "file " + file);
    }
    return secret(literal(spec), "the option's value");
  }

  /** The secret written as the option's value; refuses the name of a file given without {@code file:}. */
  private static byte[] literal(String spec) {
    if (spec.indexOf('/') >= 0 && Files.isRegularFile(Paths.get(spec))) {
      throw new IllegalArgumentException("'" + spec + "' is the name of a file; write file:" + spec + " to read it");
    }
    return spec.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The HMAC secret that key {@code spec} of {@code --option} holds, for signing; throws
   * {@link IllegalArgumentException} naming the option when it holds a public key or JWKS
   * (which cannot sign), cannot be read, is the name of a file without {@code file:} (as
   * {@link #load} refuses it), or is shorter than {@value #MIN_SECRET_BYTES} bytes.
   */
  static byte[] signingSecret(String spec, String option, Map<String, String> env) {
    byte[] secret;
    if (spec.startsWith("env:")) {
      String value = env.get(spec.substring(4));
      if (value == null) {
        throw new IllegalArgumentException("--" + option + ": environment variable " + spec.substring(4) + " is not set");
      }
      secret = value.getBytes(StandardCharsets.UTF_8);
    } else if (spec.startsWith("file:")) {
      Path file = Paths.get(spec.substring(5));
      byte[] bytes;
      try {
        bytes = read(file);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + option + ": " + e.getMessage());
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (PemKeys.isPem(text) || text.stripLeading().startsWith("{")) {
        throw new IllegalArgumentException("--" + option + ": " + file + " holds a public key (or a JWKS), which can "
            + "verify tokens but not sign them: give the matching private key with --private-key FILE");
      }
      secret = stripNewline(bytes);
    } else {
      try {
        secret = literal(spec);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + option + ": " + e.getMessage());
      }
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("--" + option + ": the HMAC secret is " + secret.length + " bytes; HS256 needs "
          + "at least " + MIN_SECRET_BYTES + " (256 bits)");
    }
    return secret;
  }

  /** The bytes of {@code file}; throws {@link IllegalArgumentException} if it cannot be read. */
  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("file not found: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** {@code bytes} without one final line end ({@code \n} or {@code \r\n}), as editors and {@code echo} add it. */
  static byte[] stripNewline(byte[] bytes) {
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\n') {
      n--;
      if (n > 0 && bytes[n - 1] == '\r') {
        n--;
      }
    }
    return java.util.Arrays.copyOf(bytes, n);
  }

  /** The HMAC algorithms a secret of {@code length} bytes is long enough for. */
  static Set<JWSAlgorithm> hmacAlgorithms(int length) {
    LinkedHashSet<JWSAlgorithm> algs = new LinkedHashSet<>();
    if (length >= 32) {
      algs.add(JWSAlgorithm.HS256);
    }
    if (length >= 48) {
      algs.add(JWSAlgorithm.HS384);
    }
    if (length >= 64) {
      algs.add(JWSAlgorithm.HS512);
    }
    return algs;
  }

  private static JwtKey secret(byte[] secret, String from) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the HMAC secret (from " + from + ") is " + secret.length + " bytes; HS256 needs "
          + "at least " + MIN_SECRET_BYTES + " (256 bits). Use a long random one, e.g. 'openssl rand -base64 32'");
    }
    Set<JWSAlgorithm> algs = hmacAlgorithms(secret.length);
    return new JwtKey("an HMAC secret of " + secret.length + " bytes from " + from,
        List.of(new Entry(Optional.empty(), algs, macVerifier(secret))));
  }

  private static JwtKey publicKey(PublicKey key, String from) {
    Entry e = entry(key, Optional.empty(), Optional.empty());
    String kind = key instanceof RSAPublicKey ? "an RSA public key" : "an EC public key";
    return new JwtKey(kind + " " + from, List.of(e));
  }

  private static JwtKey jwks(String text, Path file) {
    JWKSet set;
    try {
      set = JWKSet.parse(text);
    } catch (ParseException e) {
      throw new IllegalArgumentException(file + " is neither a PEM key nor a readable JWKS: " + e.getMessage());
    }
    List<Entry> entries = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      Optional<String> kid = Optional.ofNullable(jwk.getKeyID());
      String name = "key " + (entries.size() + 1) + kid.map(k -> " (kid '" + k + "')").orElse("");
      Optional<JWSAlgorithm> alg = Optional.ofNullable(jwk.getAlgorithm()).map(a -> JWSAlgorithm.parse(a.getName()));
      try {
        if (jwk instanceof OctetSequenceKey) {
          byte[] secret = ((OctetSequenceKey) jwk).toByteArray();
          Set<JWSAlgorithm> algs = hmacAlgorithms(secret.length);
          if (algs.isEmpty()) {
            throw new IllegalArgumentException("an HMAC secret of " + secret.length + " bytes; HS256 needs at least "
                + MIN_SECRET_BYTES);
          }
          entries.add(new Entry(kid, restrict(algs, alg), macVerifier(secret)));
        } else if (jwk instanceof RSAKey) {
          entries.add(entry(((RSAKey) jwk).toRSAPublicKey(), kid, alg));
        } else if (jwk instanceof ECKey) {
          entries.add(entry(((ECKey) jwk).toECPublicKey(), kid, alg));
        } else {
          throw new IllegalArgumentException("key type " + jwk.getKeyType() + " is not supported (oct, RSA or EC)");
        }
      } catch (JOSEException | IllegalArgumentException e) {
        throw new IllegalArgumentException("JWKS " + file + ", " + name + ": " + e.getMessage());
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("JWKS " + file + " holds no key");
    }
    return new JwtKey("a JWKS of " + entries.size() + " key" + (entries.size() == 1 ? "" : "s") + " from " + file,
        entries);
  }

  private static Entry entry(PublicKey key, Optional<String> kid, Optional<JWSAlgorithm> alg) {
    if (key instanceof RSAPublicKey) {
      RSAPublicKey rsa = (RSAPublicKey) key;
      if (rsa.getModulus().bitLength() < 2048) {
        throw new IllegalArgumentException("the RSA key has " + rsa.getModulus().bitLength()
            + " bits; at least 2048 are needed");
      }
      return new Entry(kid, restrict(new LinkedHashSet<>(RSA_ALGS), alg), new RSASSAVerifier(rsa));
    }
    if (key instanceof ECPublicKey) {
      ECPublicKey ec = (ECPublicKey) key;
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      Set<JWSAlgorithm> algs = new LinkedHashSet<>();
      if (Curve.P_256.equals(curve)) {
        algs.add(JWSAlgorithm.ES256);
      } else if (Curve.P_384.equals(curve)) {
        algs.add(JWSAlgorithm.ES384);
      } else if (Curve.P_521.equals(curve)) {
        algs.add(JWSAlgorithm.ES512);
      } else {
        throw new IllegalArgumentException("the EC key's curve is not P-256, P-384 or P-521");
      }
      try {
        return new Entry(kid, restrict(algs, alg), new ECDSAVerifier(ec));
      } catch (JOSEException e) {
        throw new IllegalArgumentException("unusable EC key: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("neither an RSA nor an EC key");
  }

  private static Set<JWSAlgorithm> restrict(Set<JWSAlgorithm> usable, Optional<JWSAlgorithm> alg) {
    if (alg.isEmpty()) {
      return usable;
    }
    if (!usable.contains(alg.get())) {
      throw new IllegalArgumentException("its alg " + alg.get() + " does not fit the key (usable: " + names(usable) + ")");
    }
    return Set.of(alg.get());
  }

  private static JWSVerifier macVerifier(byte[] secret) {
    try {
      return new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable HMAC secret: " + e.getMessage());
    }
  }

  static String names(Set<JWSAlgorithm> algs) {
    List<String> names = new ArrayList<>();
    for (JWSAlgorithm a : algs) {
      names.add(a.getName());
    }
    return String.join(", ", names);
  }

  /** The algorithms some key here accepts. */
  Set<JWSAlgorithm> algorithms() {
    return algorithms;
  }

  /** What the key is, for start-up lines: e.g. {@code an HMAC secret of 44 bytes (HS256)}. */
  String description() {
    return description;
  }

  /**
   * Checks the signature of {@code jwt}, whose algorithm is one of {@link #algorithms()}; returns
   * empty if a key verified it, or why not.
   */
  Optional<String> verify(SignedJWT jwt, String role) {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    Optional<String> kid = Optional.ofNullable(jwt.getHeader().getKeyID());
    boolean kidKnown = false;
    boolean algFits = false;
    for (Entry e : entries) {
      if (kid.isPresent() && e.kid.isPresent() && !e.kid.equals(kid)) {
        continue;
      }
      kidKnown |= e.kid.isPresent();
      if (!e.algorithms.contains(alg)) {
        continue;
      }
      algFits = true;
      try {
        if (jwt.verify(e.verifier)) {
          return Optional.empty();
        }
      } catch (JOSEException | IllegalStateException ex) {
        return Optional.of("the signature cannot be checked: " + ex.getMessage());
      }
    }
    if (kid.isPresent() && !kidKnown && entries.stream().allMatch(e -> e.kid.isPresent())) {
      return Optional.of("no key with kid '" + SubscribeHandler.echo(kid.get()) + "' in the hub's " + role + " JWKS");
    }
    if (!algFits) {
      return Optional.of("alg '" + alg.getName() + "' is not accepted for the key with kid '"
          + SubscribeHandler.echo(kid.orElse("")) + "'");
    }
    return Optional.of("bad signature: the token was not signed with the hub's " + role + " key");
  }
}
