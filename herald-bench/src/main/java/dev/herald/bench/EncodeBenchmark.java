package dev.herald.bench;

import dev.herald.core.SseEncoder;
import dev.herald.core.SseEvent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Cost of {@link SseEncoder#encode}: a typical small event and a ~4 KB multi-line one. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class EncodeBenchmark {
  private SseEvent small;
  private SseEvent large;

  /** Builds the two events once. */
  @Setup
  public void setup() {
    small = SseEvent.builder()
        .id("1718000000000-42")
        .event("price")
        .data(Events.smallData(42))
        .build();
    large = SseEvent.builder()
        .id("1718000000000-43")
        .event("snapshot")
        .data(Events.largeData())
        .build();
  }

  /** One ~100 B event with id and event name. */
  @Benchmark
  public byte[] encodeSmall() {
    return SseEncoder.encode(small);
  }

  /** One ~4 KB event of 64 data lines. */
  @Benchmark
  public byte[] encodeLarge() {
    return SseEncoder.encode(large);
  }
}
