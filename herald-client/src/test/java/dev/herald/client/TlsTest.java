package dev.herald.client;

import static dev.herald.client.TestServer.sse;
import static dev.herald.client.TestServer.sseOpen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https: the raw HTTP/1.1 path (an id outside visible ASCII) uses the client's TLS context and
 * verifies the server's name, like the JDK client; ids are the same exact bytes. The certificates
 * are made by the JDK's {@code keytool} for each test.
 */
class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir
  Path dir;
  private TestServer server;
  private EventSource source;
  private final Recorder recorder = new Recorder();
  private final ManualTiming timing = new ManualTiming();

  @AfterEach
  void close() throws Exception {
    if (source != null) {
      source.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private KeyStore keyStore(String name, String san) throws Exception {
    Path file = dir.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    return store;
  }

  private void startServer(KeyStore identity) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(identity, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    server = new TestServer(context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  private static HttpClient trusting(KeyStore trusted) throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  @Test
  void theRawPathSpeaksTlsWithTheClientsContext() throws Exception {
    KeyStore identity = keyStore("loopback", "ip:127.0.0.1");
    startServer(identity);
    String id = "\u00e9\u2603\uD83D\uDE00";
    server.enqueue(sse("id: " + id + "\ndata: a\n\n"), sseOpen("data: b\n\n"));
    source = EventSource.builder(server.uri()).httpClient(trusting(identity)).timing(timing).lastEventId("1").connect(recorder);
    assertThat(server.takeRequest().rawHeader("Last-Event-ID")).isEqualTo("1".getBytes(StandardCharsets.US_ASCII));
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "a", id));
    assertThat(recorder.nextError().willRetry()).isTrue();
    timing.nextReconnect().run();
    assertThat(server.takeRequest().rawHeader("Last-Event-ID")).isEqualTo(id.getBytes(StandardCharsets.UTF_8));
    assertThat(recorder.events(1)).containsExactly(MessageEvent.of("message", "b", id));
  }

  @Test
  void theRawPathVerifiesTheServersName() throws Exception {
    KeyStore identity = keyStore("elsewhere", "dns:elsewhere.invalid");
    startServer(identity);
    server.fallback(sseOpen("data: no\n\n"));
    source = EventSource.builder(server.uri()).httpClient(trusting(identity)).timing(timing).lastEventId("\u00e9")
        .connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isTrue();
    assertThat(error.error()).hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
    assertThat(error.error().getCause()).isInstanceOf(SSLHandshakeException.class);
    assertThat(source.readyState()).isEqualTo(ReadyState.CONNECTING);
  }
}
