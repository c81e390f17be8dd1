package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Encode → parse round trips and parser robustness under arbitrary chunking. */
class SseRoundTripProperties {

  @Property(tries = 500)
  void parsingEncodedEventsGivesThemBack(
      @ForAll("events") List<SseEvent> events,
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 64) Integer> chunkSizes) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    events.forEach(e -> wire.writeBytes(SseEncoder.encode(e)));

    List<MessageEvent> expected = new ArrayList<>();
    List<String> expectedComments = new ArrayList<>();
    String lastId = "";
    Duration retry = null;
    for (SseEvent e : events) {
      e.comment().ifPresent(c -> expectedComments.addAll(List.of(normalise(c).split("\n", -1))));
      if (e.retry().isPresent()) {
        retry = Duration.ofMillis(e.retry().get().toMillis());
      }
      if (e.id().isPresent()) {
        lastId = e.id().get();
      }
      if (e.data().isPresent()) {
        expected.add(MessageEvent.of(e.event().orElse(""), normalise(e.data().get()), lastId));
      }
    }

    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    feedInChunks(parser, wire.toByteArray(), chunkSizes);
    parser.end();
    assertThat(recorder.events).isEqualTo(expected);
    assertThat(recorder.comments).isEqualTo(expectedComments);
    assertThat(parser.lastEventId()).isEqualTo(lastId);
    assertThat(parser.reconnectionTime().orElse(null)).isEqualTo(retry);
  }

  @Property(tries = 500)
  void arbitraryBytesNeverThrowAndChunkingNeverChangesTheResult(
      @ForAll("streams") byte[] stream,
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 16) Integer> chunkSizes) {
    Recorder.Result whole = Recorder.run(stream);

    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    feedInChunks(parser, stream, chunkSizes);
    parser.end();
    assertThat(new Recorder.Result(recorder.log, parser.lastEventId(), parser.reconnectionTime().orElse(null)))
        .isEqualTo(whole);
  }

  /** The wire cannot carry a CR inside a value: the encoder splits there, the parser joins with LF. */
  private static String normalise(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n');
  }

  /** Feeds {@code bytes} in chunks of the given sizes, cycling through them, then the rest. */
  private static void feedInChunks(SseParser parser, byte[] bytes, List<Integer> sizes) {
    int from = 0;
    boolean progress = true;
    while (from < bytes.length && progress) {
      progress = false;
      for (int size : sizes) {
        int n = Math.min(size, bytes.length - from);
        parser.feed(bytes, from, n);
        from += n;
        progress |= n > 0;
      }
    }
    parser.feed(bytes, from, bytes.length - from);
  }

  @Provide
  Arbitrary<List<SseEvent>> events() {
    Arbitrary<String> id = text().map(s -> s.replace("\r", "").replace("\n", "").replace("\0", ""));
    Arbitrary<String> name = text().map(s -> s.replace("\r", "").replace("\n", ""));
    Arbitrary<Duration> retry = Arbitraries.oneOf(
        Arbitraries.longs().between(0, 100_000), Arbitraries.longs().between(0, Long.MAX_VALUE))
        .map(Duration::ofMillis);
    return Combinators.combine(id.injectNull(0.5), name.injectNull(0.5), text().injectNull(0.2),
            retry.injectNull(0.8), text().injectNull(0.8))
        .as((i, n, d, r, c) -> {
          if (i == null && n == null && d == null && r == null && c == null) {
            return SseEvent.of("");
          }
          SseEvent.Builder b = SseEvent.builder();
          if (i != null) {
            b.id(i);
          }
          if (n != null) {
            b.event(n);
          }
          if (d != null) {
            b.data(d);
          }
          if (r != null) {
            b.retry(r);
          }
          if (c != null) {
            b.comment(c);
          }
          return b.build();
        })
        .list().ofMaxSize(6);
  }

  /** Valid Unicode text (no lone surrogates), rich in the characters that matter to the format. */
  private static Arbitrary<String> text() {
    Arbitrary<Integer> special = Arbitraries.of((int) '\r', (int) '\n', (int) ' ', (int) ':', 0, 0xFEFF, (int) '\t');
    Arbitrary<Integer> ascii = Arbitraries.integers().between(0x20, 0x7E);
    Arbitrary<Integer> any = Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF);
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(Tuple.of(2, special), Tuple.of(5, ascii), Tuple.of(3, any));
    return codePoint.list().ofMaxSize(20)
        .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
  }

  @Provide
  Arbitrary<byte[]> streams() {
    List<byte[]> tokens = new ArrayList<>();
    for (String s : List.of("data", "id", "event", "retry", ":", " ", "\r", "\n", "\r\n", "\n\n", "123", "x", "\u00e9",
        "\uD83D\uDE00", "\uFEFF")) {
      tokens.add(s.getBytes(StandardCharsets.UTF_8));
    }
    Arbitrary<byte[]> token = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of(tokens)),
        Tuple.of(2, Arbitraries.bytes().map(b -> new byte[] {b})),
        Tuple.of(1, Arbitraries.of((byte) 0x80, (byte) 0xBF, (byte) 0xC3, (byte) 0xE2, (byte) 0xED, (byte) 0xEF,
            (byte) 0xF0, (byte) 0xF4, (byte) 0xFF, (byte) 0).map(b -> new byte[] {b})));
    return token.list().ofMaxSize(40).map(parts -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      parts.forEach(out::writeBytes);
      return out.toByteArray();
    });
  }
}
