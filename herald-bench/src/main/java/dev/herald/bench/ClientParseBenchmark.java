package dev.herald.bench;

import dev.herald.client.EventSourceListener;
import dev.herald.core.MessageEvent;
import dev.herald.core.SseParser;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
 * The client's parse path without the network: {@value #EVENTS} encoded events arrive as
 * {@code List<ByteBuffer>} signals of heap buffers (as {@code java.net.http} hands a body
 * subscriber its bytes; 16 KiB is the JDK's default buffer size), each buffer is fed to one
 * {@link SseParser}, the items of a signal are collected and then delivered in order to an
 * {@link EventSourceListener}, updating the last event id — what herald-client does per signal
 * minus the thread hop to the listener's executor. Score: events/s; {@code bytes} counter: bytes/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class ClientParseBenchmark {
  static final int EVENTS = 1000;
  private static final int BUFFERS_PER_SIGNAL = 4;

  /** {@code small}: ~100 B of data per event; {@code large}: ~4 KB of 64 lines. */
  @Param({"small", "large"})
  public String size;

  /** The size of each ByteBuffer: the JDK client's 16 KiB, or small reads off a slow network. */
  @Param({"16384", "512"})
  public int bufferSize;

  private List<List<ByteBuffer>> signals;
  private int length;

  /** Bytes parsed, reported by JMH as a rate next to the events/s score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Bytes {
    /** Bytes fed so far in this iteration. */
    public long bytes;
  }

  /** Encodes the stream once and cuts it into signals of read-only buffers. */
  @Setup
  public void setup() {
    byte[] stream = Events.stream(EVENTS, size.equals("large"));
    length = stream.length;
    signals = new ArrayList<>();
    List<ByteBuffer> signal = new ArrayList<>();
    for (int offset = 0; offset < stream.length; offset += bufferSize) {
      signal.add(ByteBuffer.wrap(stream, offset, Math.min(bufferSize, stream.length - offset)).slice().asReadOnlyBuffer());
      if (signal.size() == BUFFERS_PER_SIGNAL) {
        signals.add(signal);
        signal = new ArrayList<>();
      }
    }
    if (!signal.isEmpty()) {
      signals.add(signal);
    }
  }

  /** Parses and delivers the whole stream with a fresh parser; the score is per event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public String parseAndDeliver(Blackhole blackhole, Bytes counter) {
    Delivery delivery = new Delivery(blackhole);
    List<Object> parsed = new ArrayList<>();
    SseParser parser = SseParser.builder().listener(new SseParser.Listener() {
      @Override
      public void onEvent(MessageEvent event) {
        parsed.add(event);
      }

      @Override
      public void onComment(String comment) {
        parsed.add(comment);
      }
    }).build();
    for (List<ByteBuffer> signal : signals) {
      for (ByteBuffer buffer : signal) {
        parser.feed(buffer.duplicate());
      }
      List<Object> items = new ArrayList<>(parsed);
      parsed.clear();
      delivery.deliver(items, parser.lastEventId());
    }
    counter.bytes += length;
    return delivery.lastEventId;
  }

  /** Delivers a signal's items in order to a listener, as the client's callback task does. */
  private static final class Delivery {
    private final EventSourceListener listener;
    String lastEventId = "";

    Delivery(Blackhole blackhole) {
      this.listener = new EventSourceListener() {
        @Override
        public void onEvent(dev.herald.client.EventSource source, MessageEvent event) {
          blackhole.consume(event);
        }

        @Override
        public void onComment(dev.herald.client.EventSource source, String comment) {
          blackhole.consume(comment);
        }
      };
    }

    void deliver(List<Object> items, String idAfter) {
      for (Object item : items) {
        if (item instanceof MessageEvent) {
          MessageEvent event = (MessageEvent) item;
          lastEventId = event.lastEventId();
          listener.onEvent(null, event);
        } else {
          listener.onComment(null, (String) item);
        }
      }
      lastEventId = idAfter;
    }
  }
}
