package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SseEncoderTest {

  private static String encode(SseEvent event) {
    return new String(SseEncoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void writesFieldsInOrderAndEndsWithABlankLine() {
    SseEvent event = SseEvent.builder().comment("c").retry(Duration.ofSeconds(3)).id("42").event("update")
        .data("x").build();
    assertThat(encode(event)).isEqualTo(":c\nretry: 3000\nid: 42\nevent: update\ndata: x\n\n");
  }

  @Test
  void writesOneDataLinePerLine() {
    assertThat(encode(SseEvent.of("a\nb\rc\r\nd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
    assertThat(encode(SseEvent.of("a\n\nb\n"))).isEqualTo("data: a\ndata:\ndata: b\ndata:\n\n");
  }

  @Test
  void emptyDataIsWrittenAndDispatchedAsEmpty() {
    byte[] bytes = SseEncoder.encode(SseEvent.of(""));
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("data:\n\n");
    assertThat(SseParser.parse(bytes)).containsExactly(MessageEvent.of("message", "", ""));
  }

  @Test
  void writesMultiLineComments() {
    assertThat(encode(SseEvent.comment("one\ntwo\r\n"))).isEqualTo(":one\n:two\n:\n\n");
    assertThat(new String(SseEncoder.comment("ping"), StandardCharsets.UTF_8)).isEqualTo(":ping\n\n");
    assertThat(new String(SseEncoder.comment(""), StandardCharsets.UTF_8)).isEqualTo(":\n\n");
  }

  @Test
  void writesRetryInWholeMilliseconds() {
    assertThat(encode(SseEvent.retry(Duration.ofMillis(1500)))).isEqualTo("retry: 1500\n\n");
    assertThat(encode(SseEvent.retry(Duration.ofNanos(2_999_999)))).isEqualTo("retry: 2\n\n");
  }

  @Test
  void writesUtf8() {
    byte[] bytes = SseEncoder.encode(SseEvent.builder().id("\u00e9").event("\u20ac").data("\uD83D\uDE00").build());
    assertThat(bytes).isEqualTo("id: \u00e9\nevent: \u20ac\ndata: \uD83D\uDE00\n\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void leadingSpacesAndColonsSurviveTheRoundTrip() {
    SseEvent event = SseEvent.builder().id(" 1").event(" e:f").data("  two\n:three").build();
    assertThat(SseParser.parse(SseEncoder.encode(event))).containsExactly(MessageEvent.of(" e:f", "  two\n:three", " 1"));
  }

  @Test
  void commentsAndRetryReachTheParser() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(SseEncoder.encode(SseEvent.builder().comment("a\nb").retry(Duration.ofMillis(7)).data("x").build()));
    assertThat(recorder.log).containsExactly("comment:a", "comment:b", Duration.ofMillis(7),
        MessageEvent.of("message", "x", ""));
  }

  @Test
  void idOnlyEventSetsTheLastEventIdWithoutDispatch() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(SseEncoder.encode(SseEvent.builder().id("9").build()));
    assertThat(recorder.events).isEmpty();
    assertThat(parser.lastEventId()).isEqualTo("9");
  }

  @Test
  void encodesNonAsciiAndLargeEventsExactly() {
    String data = "h\u00e9llo \uD83D\uDE00\r\n\u4e16\u754c\r".repeat(500);
    SseEvent event = SseEvent.builder().id("\u00e9").event("\u4e16").data(data).comment("\u00fc\n").build();
    String expected = ":\u00fc\n:\nid: \u00e9\nevent: \u4e16\n"
        + ("data: h\u00e9llo \uD83D\uDE00\ndata: \u4e16\u754c\n").repeat(500) + "data:\n\n";
    assertThat(encode(event)).isEqualTo(expected);
    assertThat(SseEncoder.encode(event)).hasSize(expected.getBytes(StandardCharsets.UTF_8).length);
  }
}
