package dev.herald.core;

import static dev.herald.core.Recorder.bytes;
import static dev.herald.core.Recorder.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream rules of WHATWG HTML §9.2.6 one by one, the API, and chunking. */
class SseParserTest {

  private static MessageEvent message(String data) {
    return MessageEvent.of("message", data, "");
  }

  private static List<MessageEvent> parse(byte[] stream) {
    return SseParser.parse(stream);
  }

  // UTF-8 always, bad bytes become U+FFFD (one per maximal subpart, as the WHATWG decoder).

  @Test
  void decodesUtf8() {
    assertThat(SseParser.parse("data: h\u00e9llo \u20ac \uD83D\uDE00\n\n")).containsExactly(message("h\u00e9llo \u20ac \uD83D\uDE00"));
  }

  @Test
  void replacesIllFormedBytesLikeTheWhatwgDecoder() {
    assertThat(parse(bytes('d', 'a', 't', 'a', ':', 0xFF, 'a', 0xC0, 0xAF, '\n', '\n')))
        .containsExactly(message("\uFFFDa\uFFFD\uFFFD"));
    // An encoded surrogate is three bad bytes (the JDK decoder would give one U+FFFD).
    assertThat(parse(bytes('d', 'a', 't', 'a', ':', 0xED, 0xA0, 0x80, '\n', '\n')))
        .containsExactly(message("\uFFFD\uFFFD\uFFFD"));
    // A truncated sequence is one U+FFFD, and the byte that broke it is read again.
    assertThat(parse(bytes('d', 'a', 't', 'a', ':', 0xE2, 0x82, 'x', 0xF0, 0x9F, 0x98, '\n', '\n')))
        .containsExactly(message("\uFFFDx\uFFFD"));
    assertThat(parse(bytes('d', 'a', 't', 'a', ':', 0xF4, 0x90, 0x80, 0x80, 0xF0, 0x80, 0x80, '\n', '\n')))
        .containsExactly(message("\uFFFD".repeat(7)));
    assertThat(parse(bytes('d', 'a', 't', 'a', ':', 'a', 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 'b', 0x80, 'c',
        0x80, 0xBF, 'd', '\n', '\n')))
        .containsExactly(message("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd"));
  }

  @Test
  void truncatedSequenceAtLineEndIsReplacedAndTheLineStillEnds() {
    assertThat(parse(bytes('d', 'a', 't', 'a', ':', 0xE2, 0x82, '\n', 'd', 'a', 't', 'a', ':', 'x', '\n', '\n')))
        .containsExactly(message("\uFFFD\nx"));
  }

  @Test
  void illFormedBytesInFieldNameMakeAnUnknownField() {
    assertThat(parse(bytes('d', 'a', 't', 'a', 0x80, ':', 'x', '\n', 'd', 'a', 't', 'a', ':', 'y', '\n', '\n')))
        .containsExactly(message("y"));
  }

  // One leading BOM stripped, a later one is data.

  @Test
  void stripsOneLeadingBom() {
    assertThat(SseParser.parse("\uFEFFdata: a\n\n")).containsExactly(message("a"));
    assertThat(SseParser.parse("\uFEFF\n\uFEFFdata: a\n\ndata: b\n\n")).containsExactly(message("b"));
  }

  @Test
  void laterBomIsData() {
    assertThat(SseParser.parse("data: \uFEFFa\n\n")).containsExactly(message("\uFEFFa"));
    assertThat(SseParser.parse("data: a\n\n\uFEFFdata: b\n\ndata: c\n\n")).containsExactly(message("a"), message("c"));
  }

  @Test
  void bomSplitAcrossChunksIsStripped() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(bytes(0xEF));
    parser.feed(bytes(0xBB));
    parser.feed(bytes(0xBF, 'd', 'a'));
    parser.feed(utf8("ta: a\n\n"));
    assertThat(recorder.events).containsExactly(message("a"));
  }

  @Test
  void partialBomIsNotStrippedButReplaced() {
    assertThat(parse(bytes(0xEF, 0xBB, '\n', 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'))).containsExactly(message("x"));
    assertThat(parse(bytes(0xEF, 0xBB, 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'))).isEmpty();
  }

  // CR, LF and CRLF end a line; a CRLF split across two reads is one line end.

  @Test
  void crLfAndCrlfAllEndLines() {
    assertThat(SseParser.parse("data: a\rdata: b\ndata: c\r\n\r\n")).containsExactly(message("a\nb\nc"));
    assertThat(SseParser.parse("data: a\r\rdata: b\n\ndata: c\r\n\r\n")).containsExactly(message("a"), message("b"), message("c"));
    assertThat(SseParser.parse("data: a\n\rdata: b\r\r")).containsExactly(message("a"), message("b"));
  }

  @Test
  void crlfSplitAcrossFeedsIsOneLineEnd() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(utf8("data: a\r"));
    parser.feed(new byte[0]);
    parser.feed(utf8("\ndata: b\r"));
    parser.feed(utf8("\n\r"));
    assertThat(recorder.events).containsExactly(message("a\nb"));
  }

  // Comments, field splitting, spaces.

  @Test
  void colonStartsAComment() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(utf8(":hello\n: spaced\n:\ndata: x\n:data: no\n\n"));
    assertThat(recorder.comments).containsExactly("hello", " spaced", "", "data: no");
    assertThat(recorder.events).containsExactly(message("x"));
  }

  @Test
  void commentOnlyBlockDispatchesNothing() {
    assertThat(SseParser.parse(":heartbeat\n\n")).isEmpty();
  }

  @Test
  void splitsAtTheFirstColon() {
    assertThat(SseParser.parse("data: a:b: c\n\n")).containsExactly(message("a:b: c"));
    assertThat(SseParser.parse("event:x:y\ndata\n\n")).containsExactly(MessageEvent.of("x:y", "", ""));
  }

  @Test
  void dropsExactlyOneSpaceAfterTheColon() {
    assertThat(SseParser.parse("data:x\n\n")).containsExactly(message("x"));
    assertThat(SseParser.parse("data: x\n\n")).containsExactly(message("x"));
    assertThat(SseParser.parse("data:  x \n\n")).containsExactly(message(" x "));
    assertThat(SseParser.parse("data:\tx\n\n")).containsExactly(message("\tx"));
    assertThat(SseParser.parse("data :x\n\n")).as("space before the colon is part of the name").isEmpty();
  }

  @Test
  void lineWithoutColonIsAFieldWithEmptyValue() {
    assertThat(SseParser.parse("data\n\n")).containsExactly(message(""));
    assertThat(SseParser.parse("event: a\nevent\ndata: x\n\n")).containsExactly(message("x"));
  }

  @Test
  void fieldNamesAreCaseSensitive() {
    assertThat(SseParser.parse("Data: a\nDATA: b\n\n")).isEmpty();
    assertThat(SseParser.parse("Event: a\nID: 1\nRetry: 5\ndata: x\n\n")).containsExactly(message("x"));
  }

  @Test
  void unknownFieldsAreIgnored() {
    assertThat(SseParser.parse("foo: bar\ndata: x\nidx: 1\nevents: y\nretry2: 5\n\n")).containsExactly(message("x"));
  }

  // data, event and dispatch.

  @Test
  void dataAppendsValueAndLfAndOneTrailingLfIsRemoved() {
    assertThat(SseParser.parse("data: a\ndata:\n\n")).containsExactly(message("a\n"));
    assertThat(SseParser.parse("data:\ndata:\ndata:\n\n")).containsExactly(message("\n\n"));
  }

  @Test
  void emptyDataBufferDispatchesNothingButResetsTheType() {
    assertThat(SseParser.parse("event: foo\n\ndata: x\n\n")).containsExactly(message("x"));
    assertThat(SseParser.parse("\n\n\n")).isEmpty();
  }

  @Test
  void eventNamesTheTypeAndEmptyMeansMessage() {
    assertThat(SseParser.parse("event: update\ndata: 1\n\nevent:\ndata: 2\n\nevent: a\nevent: b\ndata: 3\n\n"))
        .containsExactly(MessageEvent.of("update", "1", ""), message("2"), MessageEvent.of("b", "3", ""));
    assertThat(SseParser.parse("event: update\ndata: 1\n\nevent: update\ndata: 2\n\n"))
        .extracting(MessageEvent::type).containsExactly("update", "update");
  }

  // id

  @Test
  void idContainingNulIsIgnored() {
    assertThat(SseParser.parse("id: 1\ndata: a\n\nid: 2\0\ndata: b\n\nid: \0\ndata: c\n\n"))
        .extracting(MessageEvent::lastEventId).containsExactly("1", "1", "1");
  }

  @Test
  void emptyIdResets() {
    assertThat(SseParser.parse("id: 1\ndata: a\n\nid:\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n"))
        .extracting(MessageEvent::lastEventId).containsExactly("1", "", "2", "");
  }

  @Test
  void lastIdPersistsAcrossEvents() {
    assertThat(SseParser.parse("id: 7\ndata: a\n\ndata: b\n\nevent: x\ndata: c\n\n"))
        .extracting(MessageEvent::lastEventId).containsExactly("7", "7", "7");
  }

  @Test
  void idIsTakenAtTheBlankLineEvenWithoutData() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(utf8("id: 7\n"));
    assertThat(parser.lastEventId()).as("not before the blank line").isEmpty();
    parser.feed(utf8("\n"));
    assertThat(parser.lastEventId()).isEqualTo("7");
    assertThat(recorder.events).isEmpty();
    parser.feed(utf8("data: x\n\n"));
    assertThat(recorder.events).containsExactly(MessageEvent.of("message", "x", "7"));
  }

  @Test
  void idAppliesToItsOwnBlockWhereverItIs() {
    assertThat(SseParser.parse("data: a\nid: 3\n\n")).containsExactly(MessageEvent.of("message", "a", "3"));
  }

  @Test
  void idKeepsSpacesAndUnicode() {
    assertThat(SseParser.parse("id:  \u00e9 \ndata\n\n")).extracting(MessageEvent::lastEventId).containsExactly(" \u00e9 ");
  }

  @Test
  void startsFromTheBuilderLastEventId() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.builder().lastEventId("41").listener(recorder).build();
    assertThat(parser.lastEventId()).isEqualTo("41");
    parser.feed(utf8("data: a\n\nid: 42\ndata: b\n\n"));
    assertThat(recorder.events).extracting(MessageEvent::lastEventId).containsExactly("41", "42");
  }

  @Test
  void builderRejectsImpossibleLastEventIds() {
    assertThatThrownBy(() -> SseParser.builder().lastEventId("1\ndata: x"))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("id");
    assertThatThrownBy(() -> SseParser.builder().lastEventId("a\0")).isInstanceOf(InvalidEventException.class);
    assertThatThrownBy(() -> SseParser.builder().build()).isInstanceOf(NullPointerException.class)
        .hasMessage("listener == null");
  }

  // retry

  @Test
  void retryTakesAsciiDigitsOnly() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(utf8("retry: 1500\n"));
    assertThat(parser.reconnectionTime()).as("set at once, not at dispatch").contains(Duration.ofMillis(1500));
    parser.feed(utf8("retry: 1.5\nretry:-1\nretry:+1\nretry: 15 \nretry:  15\nretry:\nretry\nretry:\u0661\u0662\nretry:1e3\n\n"));
    assertThat(parser.reconnectionTime()).contains(Duration.ofMillis(1500));
    parser.feed(utf8("retry:0\n"));
    assertThat(recorder.retries).containsExactly(Duration.ofMillis(1500), Duration.ZERO);
  }

  @Test
  void hugeRetryIsClampedToLongMaxMillis() {
    SseParser parser = SseParser.create(e -> { });
    parser.feed(utf8("retry: 9223372036854775807\n"));
    assertThat(parser.reconnectionTime()).contains(Duration.ofMillis(Long.MAX_VALUE));
    parser.feed(utf8("retry: 5\nretry: 9223372036854775808\n"));
    assertThat(parser.reconnectionTime()).contains(Duration.ofMillis(Long.MAX_VALUE));
    parser.feed(utf8("retry: 5\nretry: " + "9".repeat(100) + "\n"));
    assertThat(parser.reconnectionTime()).contains(Duration.ofMillis(Long.MAX_VALUE));
  }

  // End of stream.

  @Test
  void unterminatedLastBlockIsDiscarded() {
    assertThat(SseParser.parse("data: a\n\ndata: b\n")).containsExactly(message("a"));
    assertThat(SseParser.parse("data: a\n\ndata: b")).containsExactly(message("a"));
    assertThat(SseParser.parse("data: a\n\n:comment")).containsExactly(message("a"));
  }

  @Test
  void endDiscardsIncompleteUtf8AndDispatchesNothing() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    parser.feed(bytes('d', 'a', 't', 'a', ':', 0xE2, 0x82));
    parser.end();
    parser.end();
    assertThat(recorder.log).isEmpty();
    assertThatThrownBy(() -> parser.feed(utf8("\n\n"))).isInstanceOf(IllegalStateException.class);
  }

  // API

  @Test
  void feedsSlicesAndByteBuffers() {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    byte[] stream = utf8("xxdata: a\n\nyy");
    parser.feed(stream, 2, stream.length - 4);
    ByteBuffer heap = ByteBuffer.wrap(utf8("__data: b\n\n")).position(2).slice();
    parser.feed(heap);
    assertThat(heap.hasRemaining()).isFalse();
    byte[] big = utf8(("data: c\n\n").repeat(2000));
    ByteBuffer direct = ByteBuffer.allocateDirect(big.length).put(big).flip();
    parser.feed(direct);
    assertThat(direct.hasRemaining()).isFalse();
    assertThat(recorder.events).hasSize(2002).startsWith(message("a"), message("b"), message("c"));
    assertThatThrownBy(() -> parser.feed(stream, 5, stream.length)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void lambdaListenerIgnoresCommentsAndRetries() {
    List<MessageEvent> events = new ArrayList<>();
    SseParser parser = SseParser.create(events::add);
    parser.feed(utf8(":c\nretry: 10\ndata: x\n\n"));
    assertThat(events).containsExactly(message("x"));
  }

  @Test
  void parseReturnsAnUnmodifiableList() {
    assertThatThrownBy(() -> SseParser.parse("data: x\n\n").clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  // Chunking: whole, byte by byte and split at every index give the same result.

  private static final List<byte[]> CORPUS = List.of(
      utf8("\uFEFFdata: a\r\ndata: b\r\n\r\nid: 1\revent: e\rdata: \u20ac\uD83D\uDE00\r\r:c\nretry: 20\n\n"),
      utf8("data: \u00e9\u20ac\uD83D\uDE00\r\n\r\ndata:x\n\rdata:y\r\n\n"),
      bytes(0xEF, 0xBB, 0xBF, 'd', 'a', 't', 'a', ':', 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80,
          0xED, 0xA0, 0x80, 0xC3, '\r', '\n', '\r', '\n', 'i', 'd', ':', 0, '\n', '\n'),
      utf8("id: 5\r\n\r\ndata\r\n\r\nevent: \u00fcber\r\ndata: \u00fc\r\n\r\ndata: tail"));

  @Test
  void chunkingNeverChangesTheResult() {
    for (byte[] stream : CORPUS) {
      Recorder.Result whole = Recorder.run(stream);
      assertThat(whole.log).isNotEmpty();
      assertThat(Recorder.runBytewise(stream)).isEqualTo(whole);
      for (int i = 0; i <= stream.length; i++) {
        assertThat(Recorder.run(stream, i)).as("split at %d", i).isEqualTo(whole);
        for (int j = i; j <= stream.length; j += 3) {
          assertThat(Recorder.run(stream, i, j)).as("split at %d and %d", i, j).isEqualTo(whole);
        }
      }
    }
  }

  @Test
  void chunkedCorpusGivesTheExpectedEvents() {
    assertThat(Recorder.runBytewise(CORPUS.get(0)).log).containsExactly(
        message("a\nb"), MessageEvent.of("e", "\u20ac\uD83D\uDE00", "1"), "comment:c",
        Duration.ofMillis(20));
    assertThat(Recorder.runBytewise(CORPUS.get(2)).log).containsExactly(
        message("\u20ac\uD83D\uDE00\uFFFD\uFFFD\uFFFD\uFFFD"));
  }
}
