package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One validation for topics on both sides: {@code GET /events?topic=X} is refused (400, JSON)
 * exactly when {@code POST /publish} with {@code topic=X} is, for the same percent-encoded bytes
 * (wildcards aside) — invalid UTF-8 included, which the query decoder used to turn into U+FFFD.
 */
class HubTopicValidationTest extends HubTestSupport {
  private static final List<String> TRICKY = List.of(
      "%ff", "%FF%FE", "%C3%A9", "%C3", "a%C3", "%ED%A0%80", "%C0%AF", "%F4%90%80%80", "%EF%BF%BD", "%F0%9F%98%80",
      "a%00b", "a%0Ab", "a%0Db", "a%20b", "a+b", "a%09", "%7F", "%C2%85", "%C2%A0", "%E2%80%A8", "%E2%80%8B",
      "%EF%BB%BF", "a/b", "a//b", "/a", "a/", "a%2Fb", "x".repeat(256), "x".repeat(257), "%C3%A9".repeat(256));

  private Hub hub;

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  @BeforeEach
  void startHub() {
    hub = start();
  }

  @Test
  void invalidUtf8InASubscriptionIs400WithAJsonBody() throws IOException {
    for (String raw : new String[] {"%ff", "%ED%A0%80", "%C0%AF", "chat/%ff/x"}) {
      String answer = subscribeHead(raw);
      assertThat(answer).as(raw).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/json")
          .contains("\"status\":400").contains("not valid UTF-8");
    }
    assertThat(status(subscribeHead("%C3%A9"))).as("valid UTF-8 still subscribes").isEqualTo(200);
  }

  @Test
  void subscribeRefusesExactlyWhatPublishRefuses() throws IOException {
    List<String> candidates = new ArrayList<>(TRICKY);
    Random random = new Random(7);
    byte[] pool = {0x00, 0x09, 0x20, '/', '/', 'a', 'b', 0x7f, (byte) 0x80, (byte) 0xa9, (byte) 0xbf, (byte) 0xc3,
        (byte) 0xc0, (byte) 0xe2, (byte) 0xed, (byte) 0xf0, (byte) 0xf4, (byte) 0xf8, (byte) 0xff, (byte) 0x9f};
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = 1 + random.nextInt(6); n > 0; n--) {
        sb.append(String.format("%%%02X", pool[random.nextInt(pool.length)] & 0xff));
      }
      candidates.add(sb.toString());
    }
    int refused = 0;
    for (String raw : candidates) {
      String publish = exchange("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: " + ("topic=" + raw + "&data=x").length() + "\r\nConnection: close\r\n\r\ntopic=" + raw + "&data=x");
      String subscribe = subscribeHead(raw);
      assertThat(status(subscribe)).as("GET /events?topic=%s vs publish:%n%s", raw, publish).isEqualTo(status(publish));
      if (status(publish) == 400) {
        refused++;
        assertThat(subscribe).as(raw).contains("application/json").contains("\"status\":400");
      }
    }
    assertThat(refused).as("the candidates include refused topics").isGreaterThan(100);
  }

  private static int status(String answer) {
    assertThat(answer).startsWith("HTTP/1.1 ");
    return Integer.parseInt(answer.substring(9, 12));
  }

  /** The head of the answer to a subscribe (a stream is closed right after its head). */
  private String subscribeHead(String raw) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", hub.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET /events?topic=" + raw + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
      }
      String text = head.toString(StandardCharsets.UTF_8);
      if (status(text) != 200) {
        return text + new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return text;
    }
  }

  private String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", hub.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
