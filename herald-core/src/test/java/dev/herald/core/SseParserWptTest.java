package dev.herald.core;

import static dev.herald.core.Recorder.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stream-format cases of web-platform-tests {@code eventsource/format-*}, one test per file,
 * with our own inputs rebuilt from what each case asserts. The WPT server helper appends a blank
 * line to each message unless the case asks for none. Every input is also fed one byte at a time
 * and must give the same result.
 *
 * <p>Not here: {@code format-mime-bogus}, {@code format-mime-trailing-semicolon} and
 * {@code format-mime-valid-bogus} check the response's {@code Content-Type}, an HTTP-level rule
 * that belongs to the client, not to the byte parser.
 */
class SseParserWptTest {

  private static List<MessageEvent> events(String stream) {
    return events(utf8(stream));
  }

  private static List<MessageEvent> events(byte[] stream) {
    assertThat(Recorder.runBytewise(stream)).isEqualTo(Recorder.run(stream));
    return SseParser.parse(stream);
  }

  private static MessageEvent message(String data) {
    return MessageEvent.of("message", data, "");
  }

  /** Parses one connection's stream, starting from {@code lastEventId}; returns the parser. */
  private static SseParser connect(String lastEventId, String stream, Recorder recorder) {
    SseParser parser = SseParser.builder().lastEventId(lastEventId).listener(recorder).build();
    parser.feed(utf8(stream));
    parser.end();
    return parser;
  }

  @Test
  void formatBom() {
    // The second BOM is not at the start of the stream: it makes the field name "\uFEFFdata".
    assertThat(events("\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n"))
        .containsExactly(message("1"), message("3"));
  }

  @Test
  void formatBom2() {
    // Only one BOM is stripped; the second one spoils the first field name.
    assertThat(events("\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n"))
        .containsExactly(message("2"), message("3"));
  }

  @Test
  void formatComments() {
    String longComment = "x".repeat(2048);
    String stream = "data:1\r:\0\n:\r\ndata:2\n:" + longComment + "\rdata:3\n:data:fail\r:"
        + longComment + "\ndata:4\n\n";
    assertThat(events(stream)).containsExactly(message("1\n2\n3\n4"));
  }

  @Test
  void formatDataBeforeFinalEmptyLine() {
    Recorder recorder = new Recorder();
    SseParser parser = connect("", "retry:1000\ndata:test1\n\nid:test\ndata:test2", recorder);
    assertThat(recorder.events).containsExactly(message("test1"));
    // The unterminated block never reached its blank line, so its id was not taken either.
    assertThat(parser.lastEventId()).isEmpty();
    assertThat(events("retry:1000\ndata:test1\n\nid:test\ndata:test2\n")).containsExactly(message("test1"));
  }

  @Test
  void formatFieldData() {
    assertThat(events("data:\n\ndata\ndata\n\ndata:test\n\n"))
        .containsExactly(message(""), message("\n"), message("test"));
  }

  @Test
  void formatFieldEvent() {
    assertThat(events("event:test\ndata:x\n\ndata:x\n\n"))
        .containsExactly(MessageEvent.of("test", "x", ""), message("x"));
  }

  @Test
  void formatFieldEventEmpty() {
    assertThat(events("event: \ndata:data\n\n")).containsExactly(message("data"));
  }

  @Test
  void formatFieldId() {
    Recorder first = new Recorder();
    SseParser parser = connect("", "id: \u2026\nretry: 200\ndata: hello\n\n", first);
    assertThat(first.events).containsExactly(MessageEvent.of("message", "hello", "\u2026"));
    assertThat(parser.reconnectionTime()).contains(Duration.ofMillis(200));
    // Reconnected with Last-Event-ID: …, the server echoes it as data without an id field.
    Recorder second = new Recorder();
    connect(parser.lastEventId(), "data: \u2026\n\n", second);
    assertThat(second.events).containsExactly(MessageEvent.of("message", "\u2026", "\u2026"));
  }

  @Test
  void formatFieldId2() {
    Recorder recorder = new Recorder();
    SseParser parser = connect("", "id: \u2026\nretry: 200\ndata: hello\n\n", recorder);
    parser = connect(parser.lastEventId(), "data: \u2026\n\n", recorder);
    connect(parser.lastEventId(), "data: \u2026\n\n", recorder);
    assertThat(recorder.events).containsExactly(
        MessageEvent.of("message", "hello", "\u2026"),
        MessageEvent.of("message", "\u2026", "\u2026"),
        MessageEvent.of("message", "\u2026", "\u2026"));
  }

  @Test
  void formatFieldId3() {
    assertThat(events("id: 1\ndata: 1\n\ndata:2\n\n")).extracting(MessageEvent::lastEventId)
        .as("persists").containsExactly("1", "1");
    assertThat(events("id: 1\ndata: 1\n\nid: 2\ndata:2\n\ndata:3\n\n")).extracting(MessageEvent::lastEventId)
        .as("changes and persists").containsExactly("1", "2", "2");
    assertThat(events("id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n")).extracting(MessageEvent::lastEventId)
        .as("resets").containsExactly("1", "", "");
  }

  @Test
  void formatFieldIdNull() {
    for (String id : List.of("\0\0", "x\0", "\0x", "x\0x", " \0")) {
      Recorder recorder = new Recorder();
      SseParser parser = connect("", "id: " + id + "\nretry: 200\ndata: hello\n\n", recorder);
      assertThat(parser.lastEventId()).as("id %s", id).isEmpty();
      // Nothing to send as Last-Event-ID, so the server sends the same again.
      parser = connect(parser.lastEventId(), "id: " + id + "\nretry: 200\ndata: hello\n\n", recorder);
      assertThat(recorder.events).as("id %s", id)
          .containsExactly(message("hello"), message("hello"));
      assertThat(parser.lastEventId()).isEmpty();
    }
  }

  @Test
  void formatFieldParsing() {
    String stream = "data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n"
        + " data:32\ndata:4\n\n";
    assertThat(events(stream)).containsExactly(message("\0\n 2\n1\n3\n\n4"));
  }

  @Test
  void formatFieldRetry() {
    Recorder recorder = new Recorder();
    SseParser parser = connect("", "retry:02000\ndata:x\n\n", recorder);
    // Decimal, not octal: 02000 is 2000 ms.
    assertThat(parser.reconnectionTime()).contains(Duration.ofMillis(2000));
    assertThat(recorder.retries).containsExactly(Duration.ofMillis(2000));
    assertThat(recorder.events).containsExactly(message("x"));
  }

  @Test
  void formatFieldRetryBogus() {
    Recorder recorder = new Recorder();
    SseParser parser = connect("", "retry:3000\nretry:1000x\ndata:x\n\n", recorder);
    assertThat(parser.reconnectionTime()).contains(Duration.ofMillis(3000));
    assertThat(recorder.retries).containsExactly(Duration.ofMillis(3000));
  }

  @Test
  void formatFieldRetryEmpty() {
    Recorder recorder = new Recorder();
    SseParser parser = connect("", "retry\ndata:test\n\n", recorder);
    assertThat(recorder.events).containsExactly(message("test"));
    assertThat(parser.reconnectionTime()).isEmpty();
    assertThat(recorder.retries).isEmpty();
  }

  @Test
  void formatFieldUnknown() {
    String stream = "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n";
    assertThat(events(stream)).containsExactly(message("test\n\ntest"));
  }

  @Test
  void formatLeadingSpace() {
    // Only one space after the colon is dropped; a tab is kept. A CR ends the first line.
    assertThat(events("data:\ttest\rdata: \ndata:test\n\n")).containsExactly(message("\ttest\n\ntest"));
  }

  @Test
  void formatNewlines() {
    String stream = "data:test\r\ndata\ndata:test\r\n\r";
    assertThat(events(stream)).containsExactly(message("test\n\ntest"));
    // The final CR alone ends the blank line: the event is dispatched before any more bytes come.
    Recorder recorder = new Recorder();
    SseParser.create(recorder).feed(utf8(stream));
    assertThat(recorder.events).containsExactly(message("test\n\ntest"));
  }

  @Test
  void formatNullCharacter() {
    assertThat(events("data:\0\n\n")).containsExactly(message("\0"));
  }

  @Test
  void formatUtf8() {
    // Served as text/event-stream;charset=windows-1252: the charset is ignored, bytes are UTF-8.
    byte[] stream = Recorder.bytes('d', 'a', 't', 'a', ':', 'o', 'k', 0xE2, 0x80, 0xA6, '\n', '\n');
    assertThat(events(stream)).containsExactly(message("ok\u2026"));
  }
}
