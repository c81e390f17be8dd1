package dev.herald.bench;

import dev.herald.core.SseEncoder;
import dev.herald.core.SseEvent;
import java.io.ByteArrayOutputStream;

/** Test data shared by the benchmarks. */
final class Events {
  private Events() {}

  /** About 100 bytes of JSON, as a typical notification. */
  static String smallData(int i) {
    return "{\"symbol\":\"HRLD\",\"price\":" + (100 + i % 50) + ".25,\"volume\":" + (1000 + i)
        + ",\"venue\":\"XPAR\",\"ts\":1718000000" + i % 10 + "}";
  }

  /** About 4 KB: 64 lines of 63 characters plus a line break, with some non-ASCII text. */
  static String largeData() {
    StringBuilder sb = new StringBuilder();
    for (int line = 0; line < 64; line++) {
      if (line > 0) {
        sb.append('\n');
      }
      String text = "line " + line + " caf\u00e9 \u20ac ";
      sb.append(text).append("x".repeat(63 - text.length()));
    }
    return sb.toString();
  }

  /** The wire form of {@code count} events with ids and names; large or small data. */
  static byte[] stream(int count, boolean large) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String big = largeData();
    for (int i = 0; i < count; i++) {
      SseEvent event = SseEvent.builder()
          .id(Integer.toString(1_000_000 + i))
          .event(i % 4 == 0 ? "trade" : "price")
          .data(large ? big : smallData(i))
          .build();
      out.writeBytes(SseEncoder.encode(event));
    }
    return out.toByteArray();
  }
}
