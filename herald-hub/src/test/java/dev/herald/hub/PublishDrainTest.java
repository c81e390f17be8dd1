package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * While the hub drains (SIGTERM, {@link Hub#close()}), a publish is answered 503 with
 * {@code Connection: close} and the connection is closed after it, so a publisher never sends
 * its next request into a connection that will not answer.
 */
class PublishDrainTest extends HubTestSupport {

  /** A memory store whose appends wait until {@link #release} (so a drain can be held open). */
  static final class HeldStore extends ForwardingStore {
    final CompletableFuture<Void> gate = new CompletableFuture<>();
    final CompletableFuture<Void> entered = new CompletableFuture<>();

    HeldStore() {
      super(new MemoryHistoryStore(HubConfig.builder().build().storeLimits()));
    }

    void release() {
      gate.complete(null);
    }

    @Override
    public CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> key, String requestHash) {
      entered.complete(null);
      return gate.thenCompose(v -> delegate.append(batch, key, requestHash));
    }

    @Override
    public void close() {
      release();
      delegate.close();
    }
  }

  @Test
  void aPublishDuringTheDrainGets503WithConnectionCloseThenEof() throws Exception {
    HeldStore store = new HeldStore();
    Hub hub = start(config().store(StoreKind.MEMORY).build(), store);
    CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(
        () -> HubHttp.postForm(hub.uri(), HubHttp.form("topic", "a", "data", "in flight")));
    store.entered.get();
    try (Socket socket = new Socket("127.0.0.1", hub.port())) {
      socket.setSoTimeout(30_000);
      // a keep-alive connection opened before the drain, as a publisher's pool would hold it
      String ok = exchange(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(ok).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: keep-alive");

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(hub::close);
      await().atMost(Duration.ofSeconds(30)).until(() -> HubHttp.get(hub.uri(), "/readyz").statusCode() == 503);

      String body = "topic=a&data=late";
      String answer = exchange(socket, "POST /publish HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      assertThat(answer).startsWith("HTTP/1.1 503").contains("\"status\":503", "shutting down");
      assertThat(answer.toLowerCase(Locale.ROOT)).contains("connection: close").doesNotContain("keep-alive");
      assertThat(socket.getInputStream().read()).as("the hub closes the connection after the 503").isEqualTo(-1);
      store.release();
      held.exceptionally(e -> null).get();
      stopping.get();
    }
  }

  /** Writes {@code request} and reads one answer (head and a Content-Length body). */
  private static String exchange(Socket socket, String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("EOF inside the head: " + head);
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
