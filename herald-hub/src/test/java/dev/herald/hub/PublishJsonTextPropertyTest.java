package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property: whatever JSON value a publisher sends as {@code data}, in whatever layout, the parsed
 * event's data is exactly the value's tokens as written, with the whitespace between them
 * removed. The generator knows the tokens, so the oracle does not share the parser's code.
 */
class PublishJsonTextPropertyTest {
  private final PublishParser parser = new PublishParser(8, 8);

  /** A JSON value as its tokens; {@code layout} joins them with whitespace. */
  record Value(List<String> tokens) {
    String compact() {
      return String.join("", tokens);
    }

    String layout(List<String> gaps) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < tokens.size(); i++) {
        sb.append(gaps.get(i % gaps.size())).append(tokens.get(i));
      }
      return sb.toString();
    }
  }

  @Property(tries = 500)
  void jsonDataArrivesAsItsTokens(@ForAll("values") Value value, @ForAll("gaps") List<String> gaps) {
    String body = "{\"topic\":\"t\"," + gaps.get(0) + "\"data\":" + value.layout(gaps) + gaps.get(0) + "}";
    PublishParser.Parsed parsed = parser.parse(PublishParser.JSON, body.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.events.get(0).data()).isEqualTo(value.compact());
  }

  @Property(tries = 200)
  void batchItemsKeepTheirTokensToo(@ForAll("values") Value a, @ForAll("values") Value b, @ForAll("gaps") List<String> gaps) {
    String body = "[{\"topic\":\"t\",\"data\":" + a.layout(gaps) + "}," + gaps.get(0)
        + "{\"data\":" + b.layout(gaps) + ",\"topic\":\"u\"}]";
    PublishParser.Parsed parsed = parser.parse(PublishParser.JSON, body.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.events.get(0).data()).isEqualTo(a.compact());
    assertThat(parsed.events.get(1).data()).isEqualTo(b.compact());
  }

  /** Jackson reads a long text through a buffer; the offsets must still be the text's. */
  @Example
  void offsetsHoldInABodyLongerThanTheParsersBuffer() {
    String filler = "x\u00e9\uD83D\uDE00".repeat(30_000);
    String numbers = "1.10, ".repeat(20_000);
    String body = "[{\"topic\":\"t\",\"data\":\"" + filler + "\"},\n {\"topic\":\"t\",\"data\": {\"a\": [" + numbers
        + "2e-400 ] } }]";
    PublishParser.Parsed parsed = parser.parse(PublishParser.JSON, body.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.events.get(0).data()).isEqualTo(filler);
    assertThat(parsed.events.get(1).data()).isEqualTo("{\"a\":[" + "1.10,".repeat(20_000) + "2e-400]}");
  }

  @Provide
  Arbitrary<List<String>> gaps() {
    return Arbitraries.of("", " ", "\n", "\r\n", "\t", "  \n\t ").list().ofMinSize(1).ofMaxSize(5);
  }

  /** Non-string values (a string {@code data} is the text itself, not JSON text). */
  @Provide
  Arbitrary<Value> values() {
    return value(3).filter(v -> !v.tokens().get(0).startsWith("\""));
  }

  private Arbitrary<Value> value(int depth) {
    Arbitrary<Value> scalar = Arbitraries.oneOf(number(), string(), Arbitraries.of("true", "false", "null"))
        .map(t -> new Value(List.of(t)));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<Value> array = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4).map(items -> {
      List<String> tokens = new ArrayList<>();
      tokens.add("[");
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          tokens.add(",");
        }
        tokens.addAll(items.get(i).tokens());
      }
      tokens.add("]");
      return new Value(tokens);
    });
    Arbitrary<Value> object = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4).map(items -> {
      List<String> tokens = new ArrayList<>();
      tokens.add("{");
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          tokens.add(",");
        }
        tokens.add("\"k" + i + " \\u00e9\"");
        tokens.add(":");
        tokens.addAll(items.get(i).tokens());
      }
      tokens.add("}");
      return new Value(tokens);
    });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, scalar), net.jqwik.api.Tuple.of(1, array), net.jqwik.api.Tuple.of(1, object));
  }

  /** Numbers as JSON allows them: sign, integer part without leading zeros, fraction, exponent. */
  private static Arbitrary<String> number() {
    Arbitrary<String> intPart = Arbitraries.oneOf(Arbitraries.just("0"),
        Arbitraries.strings().withChars("123456789").ofLength(1)
            .flatMap(first -> Arbitraries.strings().numeric().ofMaxLength(40).map(rest -> first + rest)));
    Arbitrary<String> frac = Arbitraries.oneOf(Arbitraries.just(""),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40).map(d -> "." + d));
    Arbitrary<String> exp = Arbitraries.oneOf(Arbitraries.just(""),
        Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "+", "-"),
            Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(7)).as((e, s, d) -> e + s + d));
    return Combinators.combine(Arbitraries.of("", "-"), intPart, frac, exp).as((s, i, f, e) -> s + i + f + e);
  }

  /** Strings with escapes (kept as written) and non-ASCII characters, including astral ones. */
  private static Arbitrary<String> string() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.strings().alpha().ofMaxLength(5),
        Arbitraries.of("\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\ud83d\\ude00", " ", "  ", "\u00e9", "\u2603",
            "\uD83D\uDE00", "{", "}", "[", ",", ":"));
    return piece.list().ofMaxSize(6).map(p -> "\"" + String.join("", p) + "\"");
  }
}
