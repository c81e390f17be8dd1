package dev.herald.client;

import static dev.herald.client.TestServer.sseOpen;
import static dev.herald.client.TestServer.sseSlowly;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The web-platform-tests {@code eventsource/format-*} cases end to end: the server writes the
 * exact bytes over a real socket, the client parses and delivers them.
 */
class FormatTest extends TestServerSupport {
  private List<MessageEvent> receive(String body, int count) throws Exception {
    return receive(body.getBytes(StandardCharsets.UTF_8), count, false);
  }

  private List<MessageEvent> receive(byte[] body, int count, boolean slowly) throws Exception {
    server.enqueue(slowly ? sseSlowly(body) : (request, exchange) -> {
      exchange.write(TestServer.head(200, "Content-Type: text/event-stream"));
      exchange.write(body);
      exchange.awaitClientClose();
    });
    source = EventSource.builder(server.uri()).connect(recorder);
    return recorder.events(count);
  }

  private static MessageEvent message(String data, String id) {
    return MessageEvent.of("message", data, id);
  }

  @Test
  void bom() throws Exception {
    // format-bom, format-bom-2: one leading BOM is skipped, a second one is part of the field name
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] rest = "data: 1\n\n".getBytes(StandardCharsets.UTF_8);
    byte[] twice = new byte[3 + 3 + rest.length + rest.length];
    System.arraycopy(bom, 0, twice, 0, 3);
    System.arraycopy(rest, 0, twice, 3, rest.length);
    System.arraycopy(bom, 0, twice, 3 + rest.length, 3);
    System.arraycopy(rest, 0, twice, 6 + rest.length, rest.length);
    server.enqueue(sseOpen(new String(twice, StandardCharsets.UTF_8) + "data: 2\n\n"));
    source = EventSource.builder(server.uri()).connect(recorder);
    assertThat(recorder.events(2)).containsExactly(message("1", ""), message("2", ""));
  }

  @Test
  void lineEndingsCrLfAndCrlf() throws Exception {
    // format-newlines
    assertThat(receive("data:test\r\ndata\ndata:test\r\n\r", 1)).containsExactly(message("test\n\ntest", ""));
  }

  @Test
  void crlfSplitAcrossWritesIsOneLineEnd() throws Exception {
    // the marker event after them proves no extra event came between
    byte[] body = "data: a\r\n\r\ndata: b\r\rdata: marker\n\n".getBytes(StandardCharsets.UTF_8);
    assertThat(receive(body, 3, true)).containsExactly(message("a", ""), message("b", ""), message("marker", ""));
  }

  @Test
  void comments() throws Exception {
    // format-comments
    String longString = "x".repeat(2 * 1024);
    server.enqueue(sseOpen("data:1\r:\0\n:\r\ndata:2\n:" + longString + "\rdata:3\n:data:fail\r:" + longString + "\ndata:4\n\n"));
    source = EventSource.builder(server.uri()).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.next()).isEqualTo("comment:\0");
    assertThat(recorder.next()).isEqualTo("comment:");
    assertThat(recorder.next()).isEqualTo("comment:" + longString);
    assertThat(recorder.next()).isEqualTo("comment:data:fail");
    assertThat(recorder.next()).isEqualTo("comment:" + longString);
    assertThat(recorder.nextEvent()).isEqualTo(message("1\n2\n3\n4", ""));
  }

  @Test
  void fieldParsing() throws Exception {
    // format-field-parsing: only one space after the colon is dropped; unknown fields are ignored
    assertThat(receive("data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n", 1))
        .containsExactly(message("\0\n 2\n1\n3\n\n4", ""));
  }

  @Test
  void eventAndDataFields() throws Exception {
    // format-field-event, format-field-event-empty, format-field-data
    assertThat(receive("event:test\ndata:x\n\nevent:\ndata:y\n\ndata:\ndata\ndata\n\ndata:test\n\n", 4))
        .containsExactly(MessageEvent.of("test", "x", ""), message("y", ""), message("\n\n", ""), message("test", ""));
  }

  @Test
  void unknownFieldsAndEmptyData() throws Exception {
    // format-field-unknown, format-data-before-final-empty-line: an unterminated block is not dispatched
    server.enqueue(TestServer.sse("data:test\n field-unknown: test\ndata:test\n\ndata:unterminated\n"));
    source = EventSource.builder(server.uri()).reconnectPolicy(ReconnectPolicy.never()).connect(recorder);
    assertThat(recorder.next()).isEqualTo(Recorder.OPEN);
    assertThat(recorder.nextEvent()).isEqualTo(message("test\ntest", ""));
    // and a one-shot stream cut in the middle of an event says so (StreamEndTest has the cases)
    Recorder.Error cut = recorder.nextError();
    assertThat(cut.willRetry()).isFalse();
    assertThat(cut.error()).isInstanceOf(StreamEndedException.class).hasMessageEndingWith("in the middle of an event");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
  }

  @Test
  void utf8AndBadBytes() throws Exception {
    // format-utf-8; ill-formed sequences become U+FFFD
    byte[] body = {'d', 'a', 't', 'a', ':', (byte) 0xC3, (byte) 0xA9, ' ', (byte) 0xE2, (byte) 0x82, (byte) 0xAC, ' ',
        (byte) 0xFF, '\n', '\n'};
    assertThat(receive(body, 1, false)).containsExactly(message("\u00e9 \u20ac \uFFFD", ""));
  }

  @Test
  void multiByteCharactersOneByteAtATime() throws Exception {
    byte[] body = "id: \u00e9\u20ac\ndata: caf\u00e9 \ud83d\ude00\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    assertThat(receive(body, 1, true)).containsExactly(message("caf\u00e9 \ud83d\ude00", "\u00e9\u20ac"));
  }

  @Test
  void nullCharacterInIdIsIgnored() throws Exception {
    // format-field-id-null
    assertThat(receive("id: 1\ndata: a\n\nid: 2\0\ndata: b\n\nid: 3\ndata: c\n\n", 3))
        .containsExactly(message("a", "1"), message("b", "1"), message("c", "3"));
  }

  @Test
  void idPersistsAndEmptyIdResets() throws Exception {
    // format-field-id, format-field-id-2: the last event id persists across events, an empty id resets it
    assertThat(receive("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\n\ndata: d\n\n", 4))
        .containsExactly(message("a", "1"), message("b", "1"), message("c", ""), message("d", "2"));
    assertThat(source.lastEventId()).isEqualTo("2");
  }

  @Test
  void wholeStreamOneByteAtATime() throws Exception {
    String text = "\ufeffretry: 1000\n:hi\r\nid: 7\revent: e\ndata: 1\ndata:  2\r\n\r\ndata: \u00e9\n\n";
    List<MessageEvent> events = receive(text.getBytes(StandardCharsets.UTF_8), 2, true);
    assertThat(events).containsExactly(MessageEvent.of("e", "1\n 2", "7"), message("\u00e9", "7"));
  }
}
