package dev.herald.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A selector thread reading many fan-out subscribers (HTTP head, chunked transfer coding,
 * event-stream lines, all parsed by hand) and recording, per subscriber, which events arrived,
 * whether their ids kept increasing and the order they came in; latency is recorded per node.
 */
final class FanoutReader implements Runnable {
  static final long HIGHEST_NANOS = Duration.ofSeconds(120).toNanos();

  /** One subscriber stream on one node. */
  static final class Subscriber {
    final SocketChannel channel;
    final int node;
    final BitSet got = new BitSet();
    final byte[] line = new byte[512];
    StringBuilder head = new StringBuilder();
    int lineLength;
    boolean closed;
    int chunkState; // 0: size line, 1: chunk data, 2: CRLF after the data
    long chunkLeft;
    long lastIdHigh = -1;
    long lastIdLow = -1;
    /** An id not above the one before it (a reordering or a repeat). */
    long idsOutOfOrder;
    /** A seq received a second time. */
    long duplicates;
    /** Data lines that were not a bench event ({@code seq.nanos}), e.g. a gap notice. */
    long foreign;
    /** A hash of the seqs in arrival order: every subscriber of a complete run must agree. */
    long orderHash = 17;

    Subscriber(SocketChannel channel, int node) {
      this.channel = channel;
      this.node = node;
    }
  }

  /** What the subscribers of one run received, against the events whose publish was acknowledged. */
  record Verdict(long missing, long duplicates, long idsOutOfOrder, long orderMismatch, long foreign, long closed) {
    static Verdict of(List<Subscriber> subs, BitSet acked) {
      long reference = subs.stream().filter(s -> gotAll(s, acked)).mapToLong(s -> s.orderHash).findFirst().orElse(0);
      return new Verdict(subs.stream().mapToLong(s -> lacking(s, acked).cardinality()).sum(),
          subs.stream().mapToLong(s -> s.duplicates).sum(), subs.stream().mapToLong(s -> s.idsOutOfOrder).sum(),
          subs.stream().filter(s -> gotAll(s, acked) && s.orderHash != reference).count(),
          subs.stream().mapToLong(s -> s.foreign).sum(), subs.stream().filter(s -> s.closed).count());
    }

    private static BitSet lacking(Subscriber s, BitSet acked) {
      BitSet lacking = (BitSet) acked.clone();
      lacking.andNot(s.got);
      return lacking;
    }

    private static boolean gotAll(Subscriber s, BitSet acked) {
      return lacking(s, acked).isEmpty();
    }

    /** Every subscriber got every event once, ids increasing, all in the same order. */
    boolean nothingLost() {
      return missing + duplicates + idsOutOfOrder + orderMismatch == 0;
    }
  }

  final Selector selector;
  final Thread thread;
  final Histogram[] latencyByNode;
  final long[] deliveredByNode;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
  private final long base;
  private final int events;
  volatile int ready;
  volatile long delivered;
  volatile long lastReceive;
  volatile boolean stop;

  FanoutReader(int events, long base, int nodes) throws IOException {
    this.selector = Selector.open();
    this.events = events;
    this.base = base;
    this.latencyByNode = new Histogram[nodes];
    for (int i = 0; i < nodes; i++) {
      latencyByNode[i] = new Histogram(HIGHEST_NANOS, 3);
    }
    this.deliveredByNode = new long[nodes];
    this.thread = new Thread(this, "reader");
    thread.setDaemon(true);
  }

  @Override
  public void run() {
    try {
      while (!stop) {
        selector.select(50);
        for (SelectionKey key : selector.selectedKeys()) {
          Subscriber s = (Subscriber) key.attachment();
          buffer.clear();
          if (s.channel.read(buffer) < 0) {
            s.closed = true;
            key.cancel();
            continue;
          }
          long now = System.nanoTime();
          buffer.flip();
          while (buffer.hasRemaining()) {
            consume(s, buffer.get(), now);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      System.err.println("reader: " + e);
    }
  }

  /** Feeds one byte of the raw HTTP response of {@code s} (received at {@code now}). */
  void consume(Subscriber s, byte b, long now) {
    if (s.head != null) {
      s.head.append((char) b);
      if (PublishConnection.endsHead(s.head)) {
        if (!s.head.toString().startsWith("HTTP/1.1 200")) {
          System.err.println("subscribe refused: " + s.head.toString().lines().findFirst().orElse(""));
        }
        s.head = null;
      }
      return;
    }
    switch (s.chunkState) {
      case 0 -> {
        int digit = Character.digit(b, 16);
        if (digit >= 0) {
          s.chunkLeft = s.chunkLeft * 16 + digit;
        } else if (b == '\n') {
          s.chunkState = s.chunkLeft > 0 ? 1 : 0;
        }
      }
      case 1 -> {
        eventStreamByte(s, b, now);
        s.chunkState = --s.chunkLeft == 0 ? 2 : 1;
      }
      default -> s.chunkState = b == '\n' ? 0 : 2;
    }
  }

  private void eventStreamByte(Subscriber s, byte b, long now) {
    if (b != '\n') {
      if (s.lineLength < s.line.length) {
        s.line[s.lineLength++] = b;
      }
      return;
    }
    byte[] l = s.line;
    int len = s.lineLength;
    s.lineLength = 0;
    if (startsWith(l, len, "retry:")) {
      ready++;
    } else if (startsWith(l, len, "id:")) {
      checkId(s, l, len);
    } else if (startsWith(l, len, "data:")) {
      int i = l[5] == ' ' ? 6 : 5;
      long seq = 0;
      int digits = 0;
      for (; i < len && l[i] >= '0' && l[i] <= '9'; i++, digits++) {
        seq = seq * 10 + (l[i] - '0');
      }
      if (digits == 0 || i >= len || l[i] != '.' || seq >= events) {
        s.foreign++;
        return;
      }
      long sent = 0;
      for (i++; i < len && l[i] >= '0' && l[i] <= '9'; i++) {
        sent = sent * 10 + (l[i] - '0');
      }
      if (s.got.get((int) seq)) {
        s.duplicates++;
      }
      s.got.set((int) seq);
      s.orderHash = s.orderHash * 1_000_003 + seq;
      latencyByNode[s.node].recordValue(Math.min(HIGHEST_NANOS, Math.max(0, now - base - sent)));
      deliveredByNode[s.node]++;
      delivered++;
      lastReceive = now;
    }
  }

  /** Ids are compared as {@code high[-low]} numbers: a SQLite/memory position or a Redis entry id. */
  private static void checkId(Subscriber s, byte[] l, int len) {
    int i = l[3] == ' ' ? 4 : 3;
    long high = 0;
    long low = 0;
    boolean second = false;
    for (; i < len; i++) {
      byte c = l[i];
      if (c == '-' && !second) {
        second = true;
      } else if (c >= '0' && c <= '9') {
        if (second) {
          low = low * 10 + (c - '0');
        } else {
          high = high * 10 + (c - '0');
        }
      } else {
        return; // not an id this benchmark knows how to compare
      }
    }
    if (high < s.lastIdHigh || (high == s.lastIdHigh && low <= s.lastIdLow)) {
      s.idsOutOfOrder++;
    }
    s.lastIdHigh = high;
    s.lastIdLow = low;
  }

  private static boolean startsWith(byte[] line, int len, String prefix) {
    if (len <= prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (line[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
