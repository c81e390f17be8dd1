package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nginx fixture: skip or fail where it is missing, and a real nginx proxying to a loopback upstream. */
class NginxTest {
  @Test
  void missingSkipsLocallyAndFailsUnderCi() {
    assertThat(Nginx.unavailable(Map.of(), p -> true)).isEmpty();
    assertThat(Nginx.unavailable(Map.of(), p -> false)).hasValueSatisfying(why -> assertThat(why)
        .startsWith("nginx test skipped").contains(Nginx.BINARY.toString()));
    assertThatThrownBy(() -> Nginx.unavailable(Map.of("CI", "true"), p -> false)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("CI=true, so this fails instead of skipping");
  }

  @Test
  void proxiesToTheUpstreamAndStopsAtClose(@TempDir Path dir) throws Exception {
    assumeTrue(Nginx.unavailable().isEmpty(), Nginx.unavailable().orElse(""));
    try (ServerSocket upstream = new ServerSocket(0)) {
      CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
        try (Socket s = upstream.accept()) {
          InputStream in = s.getInputStream();
          StringBuilder head = new StringBuilder();
          while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
          }
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return head.toString();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Nginx nginx = Nginx.start(dir, List.of(upstream.getLocalPort()));
      try (Socket client = new Socket("127.0.0.1", nginx.port())) {
        client.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("ok");
      } finally {
        nginx.close();
      }
      assertThat(request.join()).startsWith("GET /readyz HTTP/1.1\r\n").doesNotContainIgnoringCase("connection: close");
      assertThatThrownBy(() -> new Socket("127.0.0.1", nginx.port()).close()).as("stopped").isInstanceOf(java.io.IOException.class);
    }
  }
}
