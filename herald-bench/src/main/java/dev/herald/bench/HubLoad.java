package dev.herald.bench;

import dev.herald.bench.FanoutReader.Subscriber;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * A load generator for {@code herald-hub}, run against one hub or several nodes of a cluster in
 * other processes.
 *
 * <p>{@code publish}: {@code --publishers P} threads, each on its own keep-alive HTTP/1.1 socket,
 * publish sequentially (send, wait for the 200 ack, send the next) for {@code --warmup} seconds
 * (not counted) and then {@code --duration} seconds; prints acknowledged publishes/s and ack
 * latency percentiles.
 *
 * <p>{@code fanout}: {@code --subscribers S} non-blocking sockets on {@code GET /events?topic=bench/fanout},
 * read by {@code --readers} selector threads; once every one has its {@code retry:} line,
 * {@code --publishers} threads publish {@code --events N} events, paced open-loop at {@code --rate}
 * events/s (0: each publisher sends its next event as soon as the previous one is acknowledged),
 * stopping early after {@code --duration} seconds if that is set (0: no limit).
 * Each event's data is {@code seq.sendNanos}; with a rate the send time is the scheduled time, so a
 * late publisher shows up as latency. Reports deliveries/s from the first send to the last
 * delivery, send-to-receive latency percentiles (overall and per node), and checks that nothing
 * was lost: (subscriber, acknowledged event) pairs missing, repeats, ids that did not increase, and
 * subscribers whose arrival order differs from the others'. Exit code 1 when any is non-zero.
 *
 * <p>Several nodes: {@code --urls http://a,http://b,...} spreads the subscribers round-robin over
 * them (default: {@code --url} alone); publishers use the first ({@code --publish-to first}) or
 * are spread round-robin too ({@code --publish-to spread}). {@code --hub-pid pid[,pid...]} reports
 * the CPU those processes (hubs, Redis) used over the measured window next to this process's, to
 * tell which side was saturated. A run ends by itself within about a minute of its last scheduled send.
 *
 * <pre>java -cp herald-bench/target/benchmarks.jar dev.herald.bench.HubLoad publish --url http://127.0.0.1:8080 --publishers 16</pre>
 */
public final class HubLoad {
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
    List<InetSocketAddress> nodes = new ArrayList<>();
    for (String url : opts.getOrDefault("urls", opts.getOrDefault("url", "http://127.0.0.1:8080")).split(",")) {
      URI uri = URI.create(url.trim());
      nodes.add(new InetSocketAddress(uri.getHost(), uri.getPort()));
    }
    String publishTo = opts.getOrDefault("publish-to", "first");
    if (!publishTo.matches("first|spread")) {
      System.err.println("--publish-to must be first or spread");
      System.exit(2);
    }
    List<InetSocketAddress> publishNodes = publishTo.equals("first") ? nodes.subList(0, 1) : nodes;
    long[] pids = Arrays.stream(opts.getOrDefault("hub-pid", "").split(",")).filter(p -> !p.isBlank())
        .mapToLong(Long::parseLong).toArray();
    boolean clean;
    if (args[0].equals("publish")) {
      clean = publish(publishNodes, pids, intOpt(opts, "publishers", 1), intOpt(opts, "duration", 10),
          intOpt(opts, "warmup", 2));
    } else {
      clean = fanout(nodes, publishNodes, pids, opts.getOrDefault("topic", "bench/fanout"),
          intOpt(opts, "subscribers", 1000), intOpt(opts, "readers", 2), intOpt(opts, "publishers", 4),
          intOpt(opts, "events", 2000), intOpt(opts, "rate", 0), intOpt(opts, "duration", 0), intOpt(opts, "ready-timeout", 60));
    }
    System.exit(clean ? 0 : 1);
  }

  private static int intOpt(Map<String, String> opts, String name, int def) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(def)));
  }

  private static boolean publish(List<InetSocketAddress> hubs, long[] pids, int publishers, int seconds, int warmup)
      throws Exception {
    long start = System.nanoTime();
    long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
    long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
    Histogram all = new SynchronizedHistogram(FanoutReader.HIGHEST_NANOS, 3);
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int id = p;
      InetSocketAddress hub = hubs.get(p % hubs.size());
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
    CpuWindow cpu = CpuWindow.start(pids);
    for (Thread t : threads) {
      t.join();
    }
    String cpuText = cpu.finish();
    System.out.printf("publish: publishers=%d nodes=%d duration=%ds acked=%d errors=%d rate=%.0f/s"
        + " ack p50=%.2fms p99=%.2fms max=%.2fms %s%n", publishers, hubs.size(), seconds, all.getTotalCount(),
        errors.get(), all.getTotalCount() / (double) seconds, ms(all.getValueAtPercentile(50)),
        ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()), cpuText);
    return errors.get() == 0;
  }

  private static boolean fanout(List<InetSocketAddress> nodes, List<InetSocketAddress> publishNodes, long[] pids,
      String topic, int subscribers, int readers, int publishers, int events, int rate, int seconds, int readySeconds)
      throws Exception {
    long base = System.nanoTime();
    List<FanoutReader> readerList = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      readerList.add(new FanoutReader(events, base, nodes.size()));
    }
    String query = "/events?topic=" + java.net.URLEncoder.encode(topic, StandardCharsets.UTF_8);
    List<Subscriber> subs = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      int node = i % nodes.size();
      InetSocketAddress hub = nodes.get(node);
      SocketChannel ch = SocketChannel.open(hub);
      ch.write(ByteBuffer.wrap(("GET " + query + " HTTP/1.1\r\nHost: " + hub.getHostString() + ":" + hub.getPort()
          + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      ch.configureBlocking(false);
      subs.add(new Subscriber(ch, node));
      ch.register(readerList.get(i % readers).selector, SelectionKey.OP_READ, subs.get(i));
    }
    readerList.forEach(r -> r.thread.start());
    long readyBy = System.nanoTime() + Duration.ofSeconds(readySeconds).toNanos();
    while (readerList.stream().mapToInt(r -> r.ready).sum() < subscribers && System.nanoTime() < readyBy) {
      Thread.sleep(10);
    }
    int ready = readerList.stream().mapToInt(r -> r.ready).sum();
    System.out.printf("fanout: %d/%d subscribers ready on %d node(s) in %.0f ms%n", ready, subscribers, nodes.size(),
        ms(System.nanoTime() - base));
    AtomicInteger next = new AtomicInteger();
    Histogram ackHistogram = new SynchronizedHistogram(FanoutReader.HIGHEST_NANOS, 3);
    AtomicLong publishErrors = new AtomicLong();
    AtomicLong maxLate = new AtomicLong();
    BitSet acked = new BitSet();
    AtomicBoolean stopPublishing = new AtomicBoolean();
    long sendStart = System.nanoTime() + Duration.ofMillis(50).toNanos();
    long stopBy = seconds > 0 ? sendStart + Duration.ofSeconds(seconds).toNanos() : Long.MAX_VALUE;
    CpuWindow cpu = CpuWindow.start(pids);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      InetSocketAddress hub = publishNodes.get(p % publishNodes.size());
      threads.add(new Thread(() -> {
        try (PublishConnection c = new PublishConnection(hub)) {
          for (int i = next.getAndIncrement(); i < events && (seconds <= 0 || System.nanoTime() - stopBy < 0)
              && !stopPublishing.get(); i = next.getAndIncrement()) {
            long stamp = System.nanoTime();
            if (rate > 0) {
              stamp = sendStart + i * 1_000_000_000L / rate;
              LockSupport.parkNanos(stamp - System.nanoTime());
              maxLate.accumulateAndGet(System.nanoTime() - stamp, Math::max);
            }
            long sent = System.nanoTime();
            c.publish(topic, i + "." + (stamp - base));
            ackHistogram.recordValue(Math.min(FanoutReader.HIGHEST_NANOS, System.nanoTime() - sent));
            synchronized (acked) {
              acked.set(i);
            }
          }
        } catch (IOException e) {
          publishErrors.incrementAndGet();
          System.err.println("publisher: " + e);
        }
      }, "fanout-publisher-" + p));
      threads.get(p).setDaemon(true);
    }
    threads.forEach(Thread::start);
    long scheduleEnd = rate > 0 ? Math.min(stopBy, sendStart + events * 1_000_000_000L / rate)
        : seconds > 0 ? stopBy : sendStart;
    long joinBy = scheduleEnd + Duration.ofSeconds(30).toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
    }
    stopPublishing.set(true); // a publisher still going ends after its current publish
    for (Thread t : threads) {
      t.join(25_000);
    }
    int ackedCount;
    synchronized (acked) {
      ackedCount = acked.cardinality();
    }
    long expected = (long) ready * ackedCount;
    long waitUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (readerList.stream().mapToLong(r -> r.delivered).sum() < expected && System.nanoTime() < waitUntil) {
      Thread.sleep(5);
    }
    String cpuText = cpu.finish();
    readerList.forEach(r -> r.stop = true);
    for (FanoutReader r : readerList) {
      r.thread.join(2000);
    }
    Histogram latency = new Histogram(FanoutReader.HIGHEST_NANOS, 3);
    readerList.forEach(r -> Arrays.stream(r.latencyByNode).forEach(latency::add));
    long delivered = readerList.stream().mapToLong(r -> r.delivered).sum();
    long last = readerList.stream().mapToLong(r -> r.lastReceive).max().orElse(sendStart);
    FanoutReader.Verdict v;
    synchronized (acked) {
      v = FanoutReader.Verdict.of(subs, acked);
    }
    double window = (last - sendStart) / 1e9;
    System.out.printf("fanout: subscribers=%d nodes=%d events=%d acked=%d rate=%s publishers=%d publishTo=%d node(s)"
        + " delivered=%d missing=%d duplicates=%d idsOutOfOrder=%d orderMismatch=%d foreign=%d closed=%d"
        + " publishErrors=%d window=%.2fs deliveries/s=%.0f latency p50=%.2fms p99=%.2fms max=%.2fms"
        + " ack p50=%.2fms p99=%.2fms publisherMaxLate=%.2fms %s%n", subscribers, nodes.size(), events, ackedCount,
        rate > 0 ? rate + "/s" : "as-fast-as-acked", publishers, publishNodes.size(), delivered, v.missing(), v.duplicates(),
        v.idsOutOfOrder(), v.orderMismatch(), v.foreign(), v.closed(), publishErrors.get(), window, delivered / window,
        ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()),
        ms(ackHistogram.getValueAtPercentile(50)), ms(ackHistogram.getValueAtPercentile(99)), ms(maxLate.get()),
        cpuText);
    if (nodes.size() > 1) {
      for (int n = 0; n < nodes.size(); n++) {
        Histogram h = new Histogram(FanoutReader.HIGHEST_NANOS, 3);
        long d = 0;
        for (FanoutReader r : readerList) {
          h.add(r.latencyByNode[n]);
          d += r.deliveredByNode[n];
        }
        System.out.printf("  node %s: delivered=%d latency p50=%.2fms p99=%.2fms max=%.2fms%n", nodes.get(n), d,
            ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
      }
    }
    boolean clean = v.nothingLost() && ready == subscribers;
    System.out.printf("fanout: nothing lost: %s%n", clean ? "yes" : "NO");
    return clean && publishErrors.get() == 0;
  }

  /** CPU time of this process and of the given processes (hubs, Redis) over a wall-clock window. */
  private record CpuWindow(long wallStart, List<ProcessHandle> others, long selfStart, long[] othersStart) {
    static CpuWindow start(long[] pids) {
      List<ProcessHandle> others = Arrays.stream(pids).mapToObj(p -> ProcessHandle.of(p).orElse(null))
          .filter(java.util.Objects::nonNull).toList();
      return new CpuWindow(System.nanoTime(), others, cpuNanos(ProcessHandle.current()),
          others.stream().mapToLong(CpuWindow::cpuNanos).toArray());
    }

    /** CPU use since construction, in % of one core. */
    String finish() {
      double wall = (System.nanoTime() - wallStart) / 100.0;
      StringBuilder text = new StringBuilder(String.format("cpu: generator=%.0f%%",
          (cpuNanos(ProcessHandle.current()) - selfStart) / wall));
      for (int i = 0; i < others.size(); i++) {
        text.append(String.format(" pid%d=%.0f%%", others.get(i).pid(), (cpuNanos(others.get(i)) - othersStart[i]) / wall));
      }
      return text.append(" (of one core)").toString();
    }

    private static long cpuNanos(ProcessHandle p) {
      return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
  }

  private static double ms(double nanos) {
    return nanos / 1e6;
  }
}
