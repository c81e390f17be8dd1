package dev.herald.bench;

import dev.herald.core.SseParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing a stream of {@value #EVENTS} events fed in 8 KiB chunks, as a client or hub reads a
 * socket. The primary score is events/s; the {@code bytes} counter is bytes/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class ParseBenchmark {
  static final int EVENTS = 1000;
  private static final int CHUNK = 8192;

  /** {@code small}: ~100 B of data per event; {@code large}: ~4 KB of 64 lines. */
  @Param({"small", "large"})
  public String size;

  private byte[] stream;

  /** Bytes parsed, reported by JMH as a rate next to the events/s score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Bytes {
    /** Bytes fed so far in this iteration. */
    public long bytes;
  }

  /** Encodes the stream once. */
  @Setup
  public void setup() {
    stream = Events.stream(EVENTS, size.equals("large"));
  }

  /** Parses the whole stream with a fresh parser; the score is per event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public String parse(Blackhole blackhole, Bytes counter) {
    SseParser parser = SseParser.create(blackhole::consume);
    for (int offset = 0; offset < stream.length; offset += CHUNK) {
      parser.feed(stream, offset, Math.min(CHUNK, stream.length - offset));
    }
    parser.end();
    counter.bytes += stream.length;
    return parser.lastEventId();
  }
}
