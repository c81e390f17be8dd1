package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald serve} start-up rules, {@code serve --check} and {@code herald token}, as the command line runs them. */
class HubMainAuthTest {
  private static final String NL = System.lineSeparator();
  @TempDir Path dir;
  private ByteArrayOutputStream out = new ByteArrayOutputStream();
  private ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Hub started;

  @AfterEach
  void stop() {
    if (started != null) {
      started.close();
    }
  }

  private HubMain.Outcome run(Map<String, String> env, String... args) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    HubMain.Outcome o = HubMain.start(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    o.hub.ifPresent(h -> started = h);
    return o;
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theDefaultIsOpenModeAndSaysSoInOneLine() {
    HubMain.Outcome o = run(Map.of(), "serve", "--port", "0", "--store", "memory");
    assertThat(o.hub).as(err()).isPresent();
    assertThat(out().lines()).hasSize(2);
    assertThat(out().lines().skip(1).findFirst()).hasValue("Open mode: no JWT key is set, so anyone who can reach "
        + "127.0.0.1 may publish and subscribe without a token (set --jwt-key to require tokens)");
    assertThat(HubHttp.publish(o.hub.get().uri(), "chat/a", "x")).isPositive();
    assertThat(err()).isEmpty();
  }

  @Test
  void aNonLoopbackHostWithoutAPublisherKeyIsRefusedWithExitCode2() {
    HubMain.Outcome o = run(Map.of(), "serve", "--host", "0.0.0.0", "--port", "0", "--store", "memory");
    assertThat(o.hub).isEmpty();
    assertThat(o.exitCode).isEqualTo(2);
    assertThat(err()).isEqualTo("herald serve: --host 0.0.0.0 is not a loopback address and no publisher key is set, "
        + "so anyone who can reach the hub could publish: set --jwt-key (or --publisher-jwt-key), or "
        + "--allow-anonymous-publish if that is really wanted" + NL);
  }

  @Test
  void allowAnonymousPublishStartsButWarns() {
    HubMain.Outcome o = run(Map.of(), "serve", "--host", "0.0.0.0", "--port", "0", "--store", "memory",
        "--allow-anonymous-publish");
    assertThat(o.hub).as(err()).isPresent();
    assertThat(err()).isEqualTo("herald serve: warning: --allow-anonymous-publish: anyone who can reach 0.0.0.0 may "
        + "publish to any topic without a token" + NL);
    assertThat(HubHttp.publish(URI.create("http://127.0.0.1:" + o.hub.get().port() + "/"), "chat/a", "x")).isPositive();
  }

  @Test
  void withAKeyAPublishNeedsATokenAndTheTokenCommandMakesOne() {
    Map<String, String> env = Map.of("HERALD_JWT_KEY", TestTokens.SECRET);
    HubMain.Outcome o = run(env, "serve", "--host", "0.0.0.0", "--port", "0", "--store", "memory");
    assertThat(o.hub).as(err()).isPresent();
    assertThat(out()).contains("Tokens: publishing needs a token verified with an HMAC secret of 44 bytes");
    URI hub = URI.create("http://127.0.0.1:" + o.hub.get().port() + "/");
    assertThat(HubHttp.postForm(hub, HubHttp.form("topic", "chat/a", "data", "x")).statusCode()).isEqualTo(401);

    // the token command reads the same HERALD_JWT_KEY
    assertThat(run(env, "token", "--publish", "chat/*", "--ttl", "10m", "--sub", "backend").exitCode).isZero();
    String token = out().strip();
    assertThat(err()).isEmpty();
    assertThat(out().lines()).hasSize(1);
    HttpResponse<String> ok = HubHttp.postForm(hub, HubHttp.form("topic", "chat/a", "data", "x"),
        "Authorization", "Bearer " + token);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    HttpResponse<String> outside = HubHttp.postForm(hub, HubHttp.form("topic", "news/a", "data", "x"),
        "Authorization", "Bearer " + token);
    assertThat(outside.statusCode()).isEqualTo(403);
  }

  @Test
  void theTokenCommandWritesTheClaimsAsked() throws Exception {
    assertThat(run(Map.of(), "token", "--jwt-key", TestTokens.SECRET, "--publish", "chat/*", "--publish", "news/**",
        "--subscribe", "users/42/**", "--sub", "u42", "--payload", "{\"name\":\"Ann\"}", "--ttl", "1h").exitCode)
        .as(err()).isZero();
    SignedJWT jwt = SignedJWT.parse(out().strip());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
    assertThat(jwt.verify(new com.nimbusds.jose.crypto.MACVerifier(TestTokens.SECRET))).isTrue();
    Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
    assertThat(claims.get("sub")).isEqualTo("u42");
    assertThat(claims.get("mercure")).isEqualTo(Map.of("publish", List.of("chat/*", "news/**"),
        "subscribe", List.of("users/42/**"), "payload", Map.of("name", "Ann")));
    long ttl = jwt.getJWTClaimsSet().getExpirationTime().getTime() - jwt.getJWTClaimsSet().getIssueTime().getTime();
    assertThat(ttl).isEqualTo(3_600_000L);
  }

  @Test
  void theTokenCommandSignsWithAnRsaPrivateKeyAndSaysWhenOnlyThePublicOneIsGiven() {
    KeyPair rsa = TestTokens.rsa();
    Path pub = TestTokens.publicPem(dir, "public.pem", rsa);
    Path priv = TestTokens.privatePem(dir, "private.pem", rsa);
    assertThat(run(Map.of(), "token", "--jwt-key", "file:" + pub, "--publish", "*").exitCode).isEqualTo(2);
    assertThat(err()).isEqualTo("herald token: --jwt-key: " + pub + " holds a public key (or a JWKS), which can verify "
        + "tokens but not sign them: give the matching private key with --private-key FILE" + NL);
    assertThat(run(Map.of(), "token", "--private-key", priv.toString(), "--publish", "*").exitCode).as(err()).isZero();
    String token = out().strip();
    HubMain.Outcome o = run(Map.of(), "serve", "--port", "0", "--store", "memory", "--jwt-key", "file:" + pub);
    assertThat(o.hub).as(err()).isPresent();
    assertThat(HubHttp.postForm(o.hub.get().uri(), HubHttp.form("topic", "any/thing", "data", "x"),
        "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
  }

  @Test
  void theTokenCommandRefusesAFileNameGivenAsTheSecretAsServeDoes() throws Exception {
    Path secret = java.nio.file.Files.writeString(dir.resolve("the-hub-secret-in-a-file.key"), TestTokens.SECRET);
    String expected = "--jwt-key: '" + secret + "' is the name of a file; write file:" + secret + " to read it";
    assertThat(run(Map.of(), "serve", "--check", "--jwt-key", secret.toString()).exitCode).isEqualTo(2);
    assertThat(err()).contains(expected);
    // not a token signed with the path's characters, which no hub would accept
    assertThat(run(Map.of(), "token", "--jwt-key", secret.toString(), "--publish", "*").exitCode).isEqualTo(2);
    assertThat(err()).isEqualTo("herald token: " + expected + NL);
    assertThat(run(Map.of(), "token", "--jwt-key", "file:" + secret, "--publish", "*").exitCode).isZero();
  }

  @Test
  void theTokenCommandRefusesBadInput() {
    assertThat(run(Map.of(), "token", "--publish", "*").exitCode).isEqualTo(2);
    assertThat(err()).startsWith("herald token: no key to sign with: give --jwt-key KEY");
    assertThat(run(Map.of(), "token", "--jwt-key", "short", "--publish", "*").exitCode).isEqualTo(2);
    assertThat(err()).isEqualTo("herald token: --jwt-key: the HMAC secret is 5 bytes; HS256 needs at least 32 (256 "
        + "bits)" + NL);
    assertThat(run(Map.of(), "token", "--jwt-key", TestTokens.SECRET, "--publish", "a b").exitCode).isEqualTo(2);
    assertThat(err()).startsWith("herald token: --publish: 'a b' is not a topic selector");
    assertThat(run(Map.of(), "token", "--jwt-key", TestTokens.SECRET, "--alg", "HS512", "--publish", "*").exitCode)
        .isEqualTo(2);
    assertThat(err()).isEqualTo("herald token: --alg HS512 needs a secret of at least 512 bits; this one is 352" + NL);
    assertThat(run(Map.of(), "token", "--jwt-key", TestTokens.SECRET, "--payload", "{nope", "--publish", "*").exitCode)
        .isEqualTo(2);
    assertThat(err()).startsWith("herald token: --payload must be JSON: ");
    assertThat(run(Map.of("HERALD_PUBLISHER_JWT_KEY", TestTokens.SECRET, "HERALD_SUBSCRIBER_JWT_KEY",
        TestTokens.OTHER_SECRET), "token", "--publish", "*", "--subscribe", "*").exitCode).isEqualTo(2);
    assertThat(err()).isEqualTo("herald token: the hub has separate publisher and subscriber keys: make one token with"
        + " --publish and another with --subscribe" + NL);
  }

  @Test
  void checkSaysAValidConfigurationIsValid() {
    HubMain.Outcome o = run(Map.of("HERALD_JWT_KEY", TestTokens.SECRET), "serve", "--check", "--host", "0.0.0.0");
    assertThat(o.exitCode).as(err()).isZero();
    assertThat(o.hub).isEmpty();
    assertThat(out()).startsWith("herald serve --check: the configuration is valid (host 0.0.0.0, port 8080")
        .contains("Tokens: publishing needs a token");
  }

  @Test
  void checkListsEveryProblem() {
    Path missing = dir.resolve("missing.pem");
    HubMain.Outcome o = run(Map.of(), "serve", "--check", "--host", "0.0.0.0", "--port", "nope",
        "--subscriber-jwt-key", "file:" + missing, "--anonymous", "maybe", "--jwt-issuer", "https://auth.example");
    assertThat(o.exitCode).isEqualTo(2);
    assertThat(err()).isEqualTo("herald serve --check: 4 problems:" + NL
        + "  - --port (from the command line): '" + "nope" + "' is not a whole number [value: 'nope']" + NL
        + "  - --anonymous (from the command line): must be 'true' or 'false' [value: 'maybe']" + NL
        + "  - --subscriber-jwt-key: file not found: " + missing + NL
        + "  - --host 0.0.0.0 is not a loopback address and no publisher key is set, so anyone who can reach the hub "
        + "could publish: set --jwt-key (or --publisher-jwt-key), or --allow-anonymous-publish if that is really "
        + "wanted" + NL);
  }

  @Test
  void checkListsInconsistentCorsOptionsInsteadOfFailing() {
    HubMain.Outcome o = run(Map.of(), "serve", "--check", "--jwt-key", "tiny", "--cors-origins", "*",
        "--cors-credentials", "true");
    assertThat(o.exitCode).isEqualTo(2);
    assertThat(err()).startsWith("herald serve --check: 2 problems:" + NL)
        .contains("  - --cors-credentials true cannot be used with --cors-origins '*'")
        .contains("  - --jwt-key: the HMAC secret (from the option's value) is 4 bytes");
  }

  @Test
  void checkNamesAShortSecretAndInconsistentOptions() {
    HubMain.Outcome o = run(Map.of("HERALD_JWT_KEY", "short"), "serve", "--check", "--anonymous", "false",
        "--cookie-name", "bad name");
    assertThat(o.exitCode).isEqualTo(2);
    assertThat(err()).contains("  - --cookie-name (from the command line): must be a cookie name")
        .contains("  - --jwt-key: the HMAC secret (from the option's value) is 5 bytes; HS256 needs at least 32");
    o = run(Map.of(), "serve", "--check", "--anonymous", "false", "--jwt-audience", "herald");
    assertThat(err()).isEqualTo("herald serve --check: 2 problems:" + NL
        + "  - --anonymous is false but no subscriber key is set (--jwt-key or --subscriber-jwt-key): nobody could "
        + "subscribe" + NL
        + "  - --jwt-audience is set but no key is: no token is checked" + NL);
  }

  @Test
  void theLibraryStartRefusesWhatTheCommandLineRefuses() {
    HubConfig open = HubConfig.builder().host("0.0.0.0").port(0).store(StoreKind.MEMORY).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Hub.start(open))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--host 0.0.0.0 is not a loopback address");
    started = Hub.start(open.toBuilder().auth(AuthConfig.builder().jwtKey(TestTokens.SECRET).build()).build());
    assertThat(HubHttp.postForm(URI.create("http://127.0.0.1:" + started.port() + "/"),
        HubHttp.form("topic", "a", "data", "x")).statusCode()).isEqualTo(401);
  }

  @Test
  void aSecretIsNeverEchoed() {
    HubMain.Outcome o = run(Map.of(), "serve", "--check", "--jwt-key", "tiny-secret");
    assertThat(o.exitCode).isEqualTo(2);
    assertThat(err()).doesNotContain("tiny-secret");
    // nor a metrics token refused for its form (one with a space is still somebody's secret)
    o = run(Map.of(), "serve", "--check", "--metrics-token", "scrape me 0123456789");
    assertThat(o.exitCode).isEqualTo(2);
    assertThat(err()).contains("--metrics-token (from the command line): must be printable ASCII without spaces")
        .doesNotContain("scrape me");
  }
}
