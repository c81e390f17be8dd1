package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading keys and the start-up rules: every problem found and named. */
class AuthSetupTest {
  @TempDir Path dir;

  private static AuthSetup setup(AuthConfig auth, String host, Map<String, String> env) {
    return AuthSetup.of(HubConfig.builder().host(host).auth(auth).build(), env);
  }

  private static AuthSetup setup(AuthConfig auth) {
    return setup(auth, "127.0.0.1", Map.of());
  }

  @Test
  void secretsFromTheValueAnEnvironmentVariableOrAFile() {
    assertThat(JwtKey.load(TestTokens.SECRET, "jwt-key", Map.of()).description())
        .isEqualTo("an HMAC secret of 44 bytes from the option's value (HS256)");
    assertThat(JwtKey.load("env:K", "jwt-key", Map.of("K", TestTokens.SECRET + TestTokens.SECRET)).description())
        .isEqualTo("an HMAC secret of 88 bytes from environment variable K (HS256, HS384, HS512)");
    Path file = TestTokens.write(dir.resolve("secret"), TestTokens.SECRET + "\n");
    assertThat(JwtKey.load("file:" + file, "jwt-key", Map.of()).description())
        .isEqualTo("an HMAC secret of 44 bytes from file " + file + " (HS256)");
  }

  @Test
  void unusableKeysAreNamedWithTheReason() {
    assertProblem(AuthConfig.builder().jwtKey("short").build(), "--jwt-key: the HMAC secret (from the option's value) is 5"
        + " bytes; HS256 needs at least 32 (256 bits). Use a long random one, e.g. 'openssl rand -base64 32'");
    assertProblem(AuthConfig.builder().jwtKey("env:NOPE").build(), "--jwt-key: environment variable NOPE is not set");
    assertProblem(AuthConfig.builder().publisherJwtKey("file:" + dir.resolve("missing.pem")).build(),
        "--publisher-jwt-key: file not found: " + dir.resolve("missing.pem"));
    KeyPair rsa = TestTokens.rsa();
    Path priv = TestTokens.privatePem(dir, "private.pem", rsa);
    assertProblem(AuthConfig.builder().jwtKey("file:" + priv).build(), "--jwt-key: " + priv + ": holds a private key; "
        + "give the hub only the public key ('openssl pkey -in key.pem -pubout -out public.pem')");
    Path pkcs1 = TestTokens.write(dir.resolve("pkcs1.pem"), TestTokens.pem("RSA PUBLIC KEY", new byte[] {1, 2, 3}));
    assertProblem(AuthConfig.builder().jwtKey("file:" + pkcs1).build(), "--jwt-key: " + pkcs1 + ": a PKCS#1 'RSA "
        + "PUBLIC KEY' is not read; convert it with 'openssl rsa -RSAPublicKey_in -in key.pem -pubout'");
    Path badJwks = TestTokens.write(dir.resolve("jwks.json"), "{\"keys\": [{\"kty\":\"oct\",\"k\":\"c2hvcnQ\"}]}");
    assertProblem(AuthConfig.builder().jwtKey("file:" + badJwks).build(), "--jwt-key: JWKS " + badJwks + ", key 1: an "
        + "HMAC secret of 5 bytes; HS256 needs at least 32");
    Path path = TestTokens.write(dir.resolve("key.pem"), "x");
    assertProblem(AuthConfig.builder().jwtKey(path.toString()).build(), "--jwt-key: '" + path + "' is the name of a "
        + "file; write file:" + path + " to read it");
  }

  @Test
  void smallRsaKeysAreRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    Path pem = TestTokens.publicPem(dir, "small.pem", g.generateKeyPair());
    assertProblem(AuthConfig.builder().jwtKey("file:" + pem).build(),
        "--jwt-key: the RSA key has 1024 bits; at least 2048 are needed");
  }

  @Test
  void aJwksWithSeveralKeysPicksByKid() {
    String jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"" + com.nimbusds.jose.util.Base64URL.encode(
        TestTokens.SECRET) + "\"},{\"kty\":\"oct\",\"kid\":\"b\",\"alg\":\"HS256\",\"k\":\""
        + com.nimbusds.jose.util.Base64URL.encode(TestTokens.OTHER_SECRET) + "\"}]}";
    Path file = TestTokens.write(dir.resolve("jwks.json"), jwks);
    JwtKey key = JwtKey.load("file:" + file, "jwt-key", Map.of());
    assertThat(key.description()).isEqualTo("a JWKS of 2 keys from " + file + " (HS256)");
    JwtVerifier v = new JwtVerifier(key, "publisher", java.util.Optional.empty(), java.util.Optional.empty(),
        new TestClock(HubAuthAttackTest.NOW.toEpochMilli()));
    com.nimbusds.jwt.JWTClaimsSet claims = TestTokens.claims(HubAuthAttackTest.NOW, java.util.List.of("*"), null).build();
    for (String[] kidSecret : new String[][] {{"a", TestTokens.SECRET}, {"b", TestTokens.OTHER_SECRET}}) {
      String token = sign(kidSecret[0], kidSecret[1], claims);
      assertThat(v.verify(token).publishClaim().coversAll()).isTrue();
    }
    assertThatThrownBy(() -> v.verify(sign("a", TestTokens.OTHER_SECRET, claims))).hasMessage(
        "bad signature: the token was not signed with the hub's publisher key");
    assertThatThrownBy(() -> v.verify(sign("c", TestTokens.SECRET, claims))).hasMessage(
        "no key with kid 'c' in the hub's publisher JWKS");
    // without a kid every key is tried
    assertThat(v.verify(TestTokens.hs256(TestTokens.OTHER_SECRET, claims)).hasToken()).isTrue();
  }

  private static String sign(String kid, String secret, com.nimbusds.jwt.JWTClaimsSet claims) {
    try {
      return TestTokens.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256).keyID(kid).build(), claims);
    } catch (com.nimbusds.jose.KeyLengthException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void startUpRules() {
    assertProblem(AuthConfig.builder().build(), "0.0.0.0", "--host 0.0.0.0 is not a loopback address and no publisher"
        + " key is set, so anyone who can reach the hub could publish: set --jwt-key (or --publisher-jwt-key), or "
        + "--allow-anonymous-publish if that is really wanted");
    assertProblem(AuthConfig.builder().subscriberJwtKey(TestTokens.SECRET).build(), "0.0.0.0",
        "--host 0.0.0.0 is not a loopback address and no publisher key is set, so anyone who can reach the hub could"
        + " publish: set --jwt-key (or --publisher-jwt-key), or --allow-anonymous-publish if that is really wanted");
    AuthSetup allowed = setup(AuthConfig.builder().allowAnonymousPublish(true).build(), "0.0.0.0", Map.of());
    assertThat(allowed.problems).isEmpty();
    assertThat(allowed.warnings).containsExactly("--allow-anonymous-publish: anyone who can reach 0.0.0.0 may publish"
        + " to any topic without a token");
    assertThat(setup(AuthConfig.builder().jwtKey(TestTokens.SECRET).build(), "0.0.0.0", Map.of()).problems).isEmpty();
    assertProblem(AuthConfig.builder().anonymous(false).build(), "--anonymous is false but no subscriber key is set "
        + "(--jwt-key or --subscriber-jwt-key): nobody could subscribe");
    assertProblem(AuthConfig.builder().issuer("x").build(), "--jwt-issuer is set but no key is: no token is checked");
    assertProblem(AuthConfig.builder().jwtKey(TestTokens.SECRET).publisherJwtKey(TestTokens.SECRET)
        .subscriberJwtKey(TestTokens.OTHER_SECRET).build(), "--jwt-key is never used: --publisher-jwt-key and "
        + "--subscriber-jwt-key are both set (drop one)");
  }

  @Test
  void everyProblemIsListedAtOnce() {
    AuthSetup s = setup(AuthConfig.builder().publisherJwtKey("short").subscriberJwtKey("env:MISSING")
        .anonymous(false).build(), "127.0.0.1", Map.of());
    assertThat(s.problems).hasSize(2);
    assertThatThrownBy(() -> s.authenticator(java.time.Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--publisher-jwt-key").hasMessageContaining("--subscriber-jwt-key");
  }

  @Test
  void theModeLine() {
    assertThat(setup(AuthConfig.builder().build()).describe()).isEqualTo("Open mode: no JWT key is set, so anyone who "
        + "can reach 127.0.0.1 may publish and subscribe without a token (set --jwt-key to require tokens)");
    assertThat(setup(AuthConfig.builder().jwtKey(TestTokens.SECRET).build()).describe()).isEqualTo("Tokens: publishing "
        + "needs a token verified with an HMAC secret of 44 bytes from the option's value (HS256); subscribing takes a"
        + " token verified with the same key and needs one (no --anonymous)");
    assertThat(setup(AuthConfig.builder().publisherJwtKey(TestTokens.SECRET).build()).describe()).isEqualTo("Tokens: "
        + "publishing needs a token verified with an HMAC secret of 44 bytes from the option's value (HS256); "
        + "subscribers need no token and get public updates only (no subscriber key)");
  }

  @Test
  void toStringHidesSecrets() {
    assertThat(AuthConfig.builder().jwtKey(TestTokens.SECRET).subscriberJwtKey("env:SUB").build().toString())
        .doesNotContain(TestTokens.SECRET).contains("jwtKey=<secret>").contains("subscriberJwtKey=env:SUB");
  }

  private static void assertProblem(AuthConfig auth, String problem) {
    assertProblem(auth, "127.0.0.1", problem);
  }

  private static void assertProblem(AuthConfig auth, String host, String problem) {
    assertThat(setup(auth, host, Map.of()).problems).containsExactly(problem);
  }
}
