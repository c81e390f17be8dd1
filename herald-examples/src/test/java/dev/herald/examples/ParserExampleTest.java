package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import dev.herald.testing.SseTestClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The README's parser program on bytes from real sockets, in chunks of any size. */
class ParserExampleTest {
  @Test
  void printsTheEventsOfAServedStream() throws Exception {
    HeraldServer server = CountdownExample.start(0, Duration.ofMillis(1));
    try {
      HttpResponse<InputStream> reply = SseTestClient.HTTP.send(
          HttpRequest.newBuilder(server.uri().resolve("/countdown")).build(), HttpResponse.BodyHandlers.ofInputStream());
      List<String> lines = new ArrayList<>();
      try (InputStream in = reply.body()) {
        ParserExample.parse(in, lines::add);
      }
      assertThat(lines).containsExactly("5 message: 5", "4 message: 4", "3 message: 3", "2 message: 2", "1 message: 1");
    } finally {
      server.close();
    }
  }

  @Test
  void bytesArrivingOneByOneGiveTheSameEventsAndAnUnterminatedLastOneIsDropped() throws Exception {
    byte[] stream = ("\uFEFFid: 7\r\nevent: note\r\ndata: two\r\ndata: lines ☃\r\n\r\n: a comment\n"
        + "data: no id\n\ndata: never ended\n").getBytes(StandardCharsets.UTF_8);
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try (Socket peer = listener.accept(); OutputStream out = peer.getOutputStream()) {
          for (byte b : stream) {
            out.write(b);
            out.flush();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      List<String> lines = new ArrayList<>();
      try (Socket socket = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
        ParserExample.parse(socket.getInputStream(), lines::add);
      }
      writer.join();
      assertThat(lines).containsExactly("7 note: two\nlines ☃", "7 message: no id");
    }
  }
}
