package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --redis-url rediss://…}: a hub process reaches a real {@code redis-server} over TLS (a
 * self-signed certificate the node's JVM trusts through {@code javax.net.ssl.trustStore}, the
 * password in the URL), publishes and replays; without that trust start-up fails saying what to do.
 */
class RedisTlsTest {
  private static final String STORE_PASSWORD = "changeit";

  @TempDir Path dir;

  @Test
  void aNodeUsesRedisOverTlsAndSaysWhatToDoWhenItDoesNotTrustTheCertificate() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("tls"));
    Path keyStore = keys.resolve("redis.p12");
    run(keytool(), "-genkeypair", "-alias", "redis", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      ks.load(in, STORE_PASSWORD.toCharArray());
    }
    Path cert = pem(keys.resolve("cert.pem"), "CERTIFICATE", ks.getCertificate("redis").getEncoded());
    Path key = pem(keys.resolve("key.pem"), "PRIVATE KEY",
        ((PrivateKey) ks.getKey("redis", STORE_PASSWORD.toCharArray())).getEncoded());
    Path trust = keys.resolve("trust.p12");
    run(keytool(), "-importcert", "-noprompt", "-alias", "redis", "-file", cert.toString(), "-keystore",
        trust.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    int tlsPort = freePort();
    try (RedisServer redis = RedisFixture.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file",
        cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(),
        "--tls-auth-clients", "no", "--requirepass", "tls-secret-9")) {
      String url = "rediss://:tls-secret-9@localhost:" + tlsPort + "/0";

      IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
          () -> HubNode.start(dir, "untrusting", url).close());
      assertThat(refused.getMessage()).contains("javax.net.ssl.trustStore").doesNotContain("tls-secret-9");

      try (HubNode node = HubNode.start(dir, "trusting", url, List.of("-Djavax.net.ssl.trustStore=" + trust,
          "-Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD))) {
        HttpResponse<String> published = SseTestClient.HTTP.send(HttpRequest.newBuilder(node.uri().resolve("/publish"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=over+tls")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        try (SseTestClient sub = SseTestClient.open(HttpRequest.newBuilder(node.uri().resolve("/events?topic=t"))
            .header("Last-Event-ID", "earliest").GET().build())) {
          MessageEvent e = sub.next();
          assertThat(e.data()).isEqualTo("over tls");
          assertThat(published.body()).contains(e.lastEventId());
        }
      }
    }
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  private static Path pem(Path file, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
