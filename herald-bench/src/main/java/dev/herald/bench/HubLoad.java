package dev.herald.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * A first, simple load generator for {@code herald-hub}, run against a hub in another process.
 *
 * <p>{@code publish}: {@code --publishers P} threads, each on its own keep-alive HTTP/1.1 socket,
 * publish sequentially (send, wait for the 200 ack, send the next) for {@code --warmup} seconds
 * (not counted) and then {@code --duration} seconds; prints acknowledged publishes/s and ack
 * latency percentiles.
 *
 * <p>{@code fanout}: {@code --subscribers S} non-blocking sockets on {@code GET /events?topic=bench/fanout},
 * read by {@code --readers} selector threads; once every one has its {@code retry:} line,
 * {@code --publishers} threads publish {@code --events N} events, paced open-loop at {@code --rate}
 * events/s (0: each publisher sends its next event as soon as the previous one is acknowledged).
 * Each event's data is {@code seq.sendNanos}; with a rate the send time is the scheduled time, so a
 * late publisher shows up as latency. Reports deliveries/s from the first send to the last
 * delivery, send-to-receive latency percentiles, and how many (subscriber, event) pairs are missing.
 *
 * <p>{@code --hub-pid} also reports the hub's CPU use over the measured window, next to this
 * process's, to tell which side was saturated. Every run ends by itself within about 30 s.
 *
 * <pre>java -cp herald-bench/target/benchmarks.jar dev.herald.bench.HubLoad publish --url http://127.0.0.1:8080 --publishers 16</pre>
 */
public final class HubLoad {
  private static final long HIGHEST_NANOS = Duration.ofSeconds(60).toNanos();
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

  private HubLoad() {}

  /** Entry point: {@code publish|fanout [--option value]...}. */
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args.length % 2 == 0 || !args[0].matches("publish|fanout")) {
      System.err.println("usage: HubLoad publish|fanout --url http://127.0.0.1:PORT [--option value]...");
      System.exit(2);
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    URI uri = URI.create(opts.getOrDefault("url", "http://127.0.0.1:8080"));
    InetSocketAddress hub = new InetSocketAddress(uri.getHost(), uri.getPort());
    long hubPid = Long.parseLong(opts.getOrDefault("hub-pid", "-1"));
    if (args[0].equals("publish")) {
      publish(hub, hubPid, intOpt(opts, "publishers", 1), intOpt(opts, "duration", 10), intOpt(opts, "warmup", 2));
    } else {
      fanout(hub, hubPid, intOpt(opts, "subscribers", 1000), intOpt(opts, "readers", 2),
          intOpt(opts, "publishers", 4), intOpt(opts, "events", 2000), intOpt(opts, "rate", 0));
    }
    System.exit(0);
  }

  private static int intOpt(Map<String, String> opts, String name, int def) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(def)));
  }

  private static void publish(InetSocketAddress hub, long hubPid, int publishers, int seconds, int warmup)
      throws Exception {
    long start = System.nanoTime();
    long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
    long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
    Histogram all = new SynchronizedHistogram(HIGHEST_NANOS, 3);
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int id = p;
      threads.add(new Thread(() -> {
        try (PublishConnection c = new PublishConnection(hub)) {
          long n = 0;
          for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            c.publish("bench/publish", "p" + id + "-" + n++);
            long t = System.nanoTime();
            if (now >= measureFrom) {
              all.recordValue(t - now);
            }
          }
        } catch (IOException e) {
          errors.incrementAndGet();
          System.err.println("publisher " + id + ": " + e);
        }
      }, "publisher-" + p));
    }
    threads.forEach(Thread::start);
    LockSupport.parkNanos(measureFrom - System.nanoTime());
    CpuWindow cpu = CpuWindow.start(hubPid);
    for (Thread t : threads) {
      t.join();
    }
    String cpuText = cpu.finish();
    System.out.printf("publish: publishers=%d duration=%ds acked=%d errors=%d rate=%.0f/s"
        + " ack p50=%.2fms p99=%.2fms max=%.2fms %s%n", publishers, seconds, all.getTotalCount(), errors.get(),
        all.getTotalCount() / (double) seconds, ms(all.getValueAtPercentile(50)),
        ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()), cpuText);
  }

  /** One blocking keep-alive HTTP/1.1 connection that publishes form-encoded events. */
  private static final class PublishConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;

    PublishConnection(InetSocketAddress hub) throws IOException {
      socket = new Socket(hub.getAddress(), hub.getPort());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(20_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 4096);
      host = hub.getHostString() + ":" + hub.getPort();
    }

    /** Publishes one event and waits for its 200 ack; an IOException on any other answer. */
    void publish(String topic, String data) throws IOException {
      String body = "topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "&data="
          + URLEncoder.encode(data, StandardCharsets.UTF_8);
      out.write(("POST /publish HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded"
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      StringBuilder head = new StringBuilder();
      while (!endsHead(head)) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed by the hub");
        }
        head.append((char) b);
      }
      Matcher length = CONTENT_LENGTH.matcher(head);
      byte[] answer = in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
      if (head.indexOf("HTTP/1.1 200 ") != 0) {
        throw new IOException("publish failed: " + head + new String(answer, StandardCharsets.UTF_8));
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void fanout(InetSocketAddress hub, long hubPid, int subscribers, int readers, int publishers,
      int events, int rate) throws Exception {
    long base = System.nanoTime();
    byte[] request = ("GET /events?topic=bench/fanout HTTP/1.1\r\nHost: " + hub.getHostString() + ":"
        + hub.getPort() + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    List<Reader> readerList = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      readerList.add(new Reader(events, base));
    }
    List<Subscriber> subs = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      SocketChannel ch = SocketChannel.open(hub);
      ch.write(ByteBuffer.wrap(request));
      ch.configureBlocking(false);
      subs.add(new Subscriber(ch));
      ch.register(readerList.get(i % readers).selector, SelectionKey.OP_READ, subs.get(i));
    }
    readerList.forEach(r -> r.thread.start());
    long readyBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (readerList.stream().mapToInt(r -> r.ready).sum() < subscribers && System.nanoTime() < readyBy) {
      Thread.sleep(10);
    }
    int ready = readerList.stream().mapToInt(r -> r.ready).sum();
    System.out.printf("fanout: %d/%d subscribers ready in %.0f ms%n", ready, subscribers, ms(System.nanoTime() - base));
    AtomicInteger next = new AtomicInteger();
    Histogram ackHistogram = new SynchronizedHistogram(HIGHEST_NANOS, 3);
    AtomicLong publishErrors = new AtomicLong();
    AtomicLong maxLate = new AtomicLong();
    long sendStart = System.nanoTime() + Duration.ofMillis(50).toNanos();
    CpuWindow cpu = CpuWindow.start(hubPid);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      threads.add(new Thread(() -> {
        try (PublishConnection c = new PublishConnection(hub)) {
          for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
            long stamp = System.nanoTime();
            if (rate > 0) {
              stamp = sendStart + i * 1_000_000_000L / rate;
              LockSupport.parkNanos(stamp - System.nanoTime());
              maxLate.accumulateAndGet(System.nanoTime() - stamp, Math::max);
            }
            long sent = System.nanoTime();
            c.publish("bench/fanout", i + "." + (stamp - base));
            ackHistogram.recordValue(System.nanoTime() - sent);
          }
        } catch (IOException e) {
          publishErrors.incrementAndGet();
          System.err.println("publisher: " + e);
        }
      }, "fanout-publisher-" + p));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(25_000);
    }
    long expected = (long) ready * events;
    long waitUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (readerList.stream().mapToLong(r -> r.delivered).sum() < expected && System.nanoTime() < waitUntil) {
      Thread.sleep(5);
    }
    String cpuText = cpu.finish();
    readerList.forEach(r -> r.stop = true);
    for (Reader r : readerList) {
      r.thread.join(2000);
    }
    Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    readerList.forEach(r -> latency.add(r.latency));
    long delivered = readerList.stream().mapToLong(r -> r.delivered).sum();
    long last = readerList.stream().mapToLong(r -> r.lastReceive).max().orElse(sendStart);
    long missing = subs.stream().mapToLong(s -> events - s.got.cardinality()).sum();
    long closed = subs.stream().filter(s -> s.closed).count();
    double window = (last - sendStart) / 1e9;
    System.out.printf("fanout: subscribers=%d events=%d rate=%s publishers=%d delivered=%d missing=%d"
        + " closed=%d publishErrors=%d window=%.2fs deliveries/s=%.0f latency p50=%.2fms p99=%.2fms"
        + " max=%.2fms ack p50=%.2fms p99=%.2fms publisherMaxLate=%.2fms %s%n", subscribers, events,
        rate > 0 ? rate + "/s" : "as-fast-as-acked", publishers, delivered, missing, closed,
        publishErrors.get(), window, delivered / window, ms(latency.getValueAtPercentile(50)),
        ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()), ms(ackHistogram.getValueAtPercentile(50)),
        ms(ackHistogram.getValueAtPercentile(99)), ms(maxLate.get()), cpuText);
  }

  /** One subscriber stream: HTTP head, then chunked transfer coding, then event-stream lines. */
  private static final class Subscriber {
    final SocketChannel channel;
    final BitSet got = new BitSet();
    final byte[] line = new byte[512];
    StringBuilder head = new StringBuilder();
    int lineLength;
    boolean closed;
    int chunkState; // 0: size line, 1: chunk data, 2: CRLF after the data
    long chunkLeft;

    Subscriber(SocketChannel channel) {
      this.channel = channel;
    }
  }

  /** A selector thread reading many subscribers and recording their deliveries. */
  private static final class Reader implements Runnable {
    final Selector selector;
    final Thread thread;
    final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    final long base;
    final int events;
    volatile int ready;
    volatile long delivered;
    volatile long lastReceive;
    volatile boolean stop;

    Reader(int events, long base) throws IOException {
      this.selector = Selector.open();
      this.events = events;
      this.base = base;
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

    private void consume(Subscriber s, byte b, long now) {
      if (s.head != null) {
        s.head.append((char) b);
        if (endsHead(s.head)) {
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
      if (len > 6 && l[0] == 'r' && l[1] == 'e' && l[2] == 't' && l[3] == 'r' && l[4] == 'y' && l[5] == ':') {
        ready++;
      } else if (len > 6 && l[0] == 'd' && l[1] == 'a' && l[2] == 't' && l[3] == 'a' && l[4] == ':') {
        int i = l[5] == ' ' ? 6 : 5;
        long seq = 0;
        for (; i < len && l[i] != '.'; i++) {
          seq = seq * 10 + (l[i] - '0');
        }
        long sent = 0;
        for (i++; i < len && l[i] >= '0' && l[i] <= '9'; i++) {
          sent = sent * 10 + (l[i] - '0');
        }
        if (seq >= 0 && seq < events) {
          s.got.set((int) seq);
        }
        latency.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, now - base - sent)));
        delivered++;
        lastReceive = now;
      }
    }
  }

  /** CPU time of this process and (if known) of the hub over a wall-clock window. */
  private record CpuWindow(long wallStart, ProcessHandle hub, long selfStart, long hubStart) {
    static CpuWindow start(long hubPid) {
      ProcessHandle hub = hubPid > 0 ? ProcessHandle.of(hubPid).orElse(null) : null;
      return new CpuWindow(System.nanoTime(), hub, cpuNanos(ProcessHandle.current()), cpuNanos(hub));
    }

    /** CPU use since construction, in % of one core. */
    String finish() {
      double wall = (System.nanoTime() - wallStart) / 100.0;
      return String.format("cpu: generator=%.0f%% hub=%s (of one core)", (cpuNanos(ProcessHandle.current()) - selfStart) / wall,
          hub == null ? "?" : String.format("%.0f%%", (cpuNanos(hub) - hubStart) / wall));
    }

    private static long cpuNanos(ProcessHandle p) {
      return p == null ? 0 : p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
  }

  /** Whether an HTTP head read so far ends with its blank line. */
  private static boolean endsHead(StringBuilder head) {
    int n = head.length();
    return n >= 4 && head.charAt(n - 4) == '\r' && head.charAt(n - 3) == '\n' && head.charAt(n - 2) == '\r'
        && head.charAt(n - 1) == '\n';
  }

  private static double ms(double nanos) {
    return nanos / 1e6;
  }
}
