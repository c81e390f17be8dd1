package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bench.FanoutReader.Subscriber;
import dev.herald.bench.FanoutReader.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fan-out checker: what it counts as missing, repeated, reordered or foreign. */
class FanoutReaderTest {
  private static final long BASE = 1_000_000_000L;

  /** A raw chunked event-stream response carrying {@code frames}, one chunk each. */
  private static byte[] response(String... frames) {
    StringBuilder out = new StringBuilder("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        + "transfer-encoding: chunked\r\n\r\n");
    for (String f : frames) {
      out.append(Integer.toHexString(f.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(f).append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String event(String id, int seq) {
    return "id: " + id + "\ndata: " + seq + ".0\n\n";
  }

  /** Events 0..n-1 acknowledged. */
  private static BitSet acked(int n) {
    BitSet acked = new BitSet();
    acked.set(0, n);
    return acked;
  }

  private static Subscriber feed(FanoutReader reader, int node, byte[] bytes) {
    Subscriber s = new Subscriber(null, node);
    for (byte b : bytes) {
      reader.consume(s, b, BASE + 2_000_000);
    }
    return s;
  }

  @Test
  void aCompleteInOrderRunOnTwoNodesIsClean() throws Exception {
    FanoutReader reader = new FanoutReader(3, BASE, 2);
    byte[] stream = response("retry: 2000\n\n", event("1796171579290-0", 0), event("1796171579290-1", 1),
        ": heartbeat\n\n", event("1796171579291-0", 2));
    Subscriber a = feed(reader, 0, stream);
    Subscriber b = feed(reader, 1, stream);

    Verdict v = Verdict.of(List.of(a, b), acked(3));
    assertThat(v.nothingLost()).isTrue();
    assertThat(v).isEqualTo(new Verdict(0, 0, 0, 0, 0, 0));
    assertThat(reader.ready).isEqualTo(2);
    assertThat(reader.delivered).isEqualTo(6);
    assertThat(reader.deliveredByNode).containsExactly(3, 3);
    assertThat(reader.latencyByNode[1].getMaxValue()).isBetween(1_990_000L, 2_010_000L);
  }

  @Test
  void aMissingEventIsCounted() throws Exception {
    FanoutReader reader = new FanoutReader(3, BASE, 1);
    Subscriber s = feed(reader, 0, response(event("1", 0), event("3", 2)));

    Verdict v = Verdict.of(List.of(s), acked(3));
    assertThat(v.missing()).isEqualTo(1);
    assertThat(v.nothingLost()).isFalse();
  }

  @Test
  void anEventNeverAcknowledgedIsNotCountedMissing() throws Exception {
    FanoutReader reader = new FanoutReader(3, BASE, 1);
    Subscriber s = feed(reader, 0, response(event("1", 0), event("2", 1)));

    assertThat(Verdict.of(List.of(s), acked(2)).nothingLost()).isTrue();
    assertThat(Verdict.of(List.of(s), acked(3)).missing()).isEqualTo(1);
  }

  @Test
  void aRepeatedEventIsADuplicateAndItsIdDidNotIncrease() throws Exception {
    FanoutReader reader = new FanoutReader(2, BASE, 1);
    Subscriber s = feed(reader, 0, response(event("5-0", 0), event("5-1", 1), event("5-1", 1)));

    Verdict v = Verdict.of(List.of(s), acked(2));
    assertThat(v.missing()).isZero();
    assertThat(v.duplicates()).isEqualTo(1);
    assertThat(v.idsOutOfOrder()).isEqualTo(1);
    assertThat(v.nothingLost()).isFalse();
  }

  @Test
  void subscribersThatGotEverythingInDifferentOrdersDisagree() throws Exception {
    FanoutReader reader = new FanoutReader(2, BASE, 1);
    Subscriber a = feed(reader, 0, response(event("7-0", 0), event("7-1", 1)));
    Subscriber b = feed(reader, 0, response(event("7-0", 1), event("7-1", 0))); // ids fine, order not

    Verdict v = Verdict.of(List.of(a, b), acked(2));
    assertThat(v.missing()).isZero();
    assertThat(v.idsOutOfOrder()).isZero();
    assertThat(v.orderMismatch()).isEqualTo(1);
    assertThat(v.nothingLost()).isFalse();
  }

  @Test
  void anEventThatIsNotABenchEventIsForeignNotDelivered() throws Exception {
    FanoutReader reader = new FanoutReader(1, BASE, 1);
    Subscriber s = feed(reader, 0, response("id: 9\nevent: herald-gap\ndata: {\"from\":\"1\"}\n\n", event("10", 0)));

    Verdict v = Verdict.of(List.of(s), acked(1));
    assertThat(v.foreign()).isEqualTo(1);
    assertThat(v.nothingLost()).isTrue();
    assertThat(reader.delivered).isEqualTo(1);
  }

  @Test
  void bytesSplitAcrossChunksStillParse() throws Exception {
    FanoutReader reader = new FanoutReader(2, BASE, 1);
    Subscriber s = feed(reader, 0, response("id: 1\nda", "ta: 0.0\n\nid: 2\ndata: 1", ".0\n\n"));

    assertThat(Verdict.of(List.of(s), acked(2))).isEqualTo(new Verdict(0, 0, 0, 0, 0, 0));
  }
}
