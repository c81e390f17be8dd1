package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.core.MessageEvent;
import dev.herald.server.HeraldServer;
import dev.herald.testing.SseTestClient;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's "end a stream for good": a client that reconnects after the countdown ended gets
 * 204 and stops; one that lost the connection mid-way resumes; a foreign id is a 400.
 */
class CountdownExampleTest {
  private HeraldServer server;
  private URI countdown;

  @BeforeEach
  void start() {
    server = CountdownExample.start(0, Duration.ofMillis(1));
    countdown = server.uri().resolve("/countdown");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void heraldClientReconnectsOnceAfterTheEndGetsA204AndClosesForGood() {
    List<String> lines = new CopyOnWriteArrayList<>();
    EventSource source = ListenerClientExample.listen(countdown, lines::add);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("closed"));
      assertThat(lines).containsExactly("5 message: 5", "4 message: 4", "3 message: 3", "2 message: 2", "1 message: 1",
          "error: stream from " + countdown + " ended (reconnecting)", // the reconnect, with Last-Event-ID: 1 ...
          "closed"); // ... answered 204: closed without an error (any other status is an onError first)
      assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
      assertThat(source.lastEventId()).isEqualTo("1");
    } finally {
      source.close();
    }
  }

  @Test
  void theReconnectAfterTheLastNumberIsA204WithoutBody() throws Exception {
    try (Socket socket = new Socket(server.host(), server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /countdown HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nLast-Event-ID: 1\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 204 No Content\r\n")
          .doesNotContainIgnoringCase("content-type").doesNotContainIgnoringCase("transfer-encoding");
      assertThat(in.read()).as("no body: the connection closes after the head").isEqualTo(-1);
    }
  }

  @Test
  void aClientThatLostTheStreamMidWayResumesAfterItsLastId() throws Exception {
    try (SseTestClient client = SseTestClient.open(request("3"))) {
      assertThat(client.response().statusCode()).isEqualTo(200);
      assertThat(client.next(2).stream().map(MessageEvent::data).collect(Collectors.toList())).containsExactly("2", "1");
      assertThat(client.awaitEnd()).isTrue();
      assertThat(client.drain()).isEmpty();
    }
  }

  @Test
  void anIdTheCountdownNeverSentIsA400() throws Exception {
    HttpResponse<String> reply = SseTestClient.HTTP.send(request("soon"), HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(new ObjectMapper().readTree(reply.body()).get("message").asText())
        .isEqualTo("Last-Event-ID is not a countdown number: soon");
  }

  private HttpRequest request(String lastEventId) {
    return HttpRequest.newBuilder(countdown).header("Accept", "text/event-stream").header("Last-Event-ID", lastEventId).build();
  }

  /** The status line and headers, up to and including the blank line. */
  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (!bytes.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("the head ends before the connection: " + bytes.toString(StandardCharsets.US_ASCII)).isNotEqualTo(-1);
      bytes.write(b);
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }
}
