package dev.herald.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Measures acknowledged appends per second (single-event batches, each publisher waits for its
 * ack before the next append) for the memory store and SQLite with synchronous FULL and NORMAL.
 * Not a unit test: run it by hand with {@code java -cp ... dev.herald.hub.StoreThroughput [dir]
 * [seconds]}; the directory should be on the disk being measured (not tmpfs).
 */
final class StoreThroughput {
  private StoreThroughput() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args.length > 0 ? args[0] : "target/store-throughput");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    HistoryStore.Limits limits = new HistoryStore.Limits(1_000_000, Duration.ofDays(1), Duration.ofMinutes(5));
    for (int publishers : new int[] {1, 16}) {
      run("memory", publishers, seconds, () -> new MemoryHistoryStore(limits));
      for (SqliteSchema.Sync sync : SqliteSchema.Sync.values()) {
        run("sqlite " + sync, publishers, seconds, () -> {
          Path dir = base.resolve(sync + "-" + publishers);
          delete(dir);
          return SqliteHistoryStore.open(dir, limits, Clock.systemUTC(), sync);
        });
      }
    }
  }

  private static void run(String name, int publishers, int seconds, Supplier<HistoryStore> stores) throws Exception {
    try (HistoryStore store = stores.get()) {
      measure(store, publishers, 1); // warm-up
      long n = measure(store, publishers, seconds);
      System.out.printf("%-12s %2d publishers: %,10.0f acked appends/s (%,d in %d s)%n",
          name, publishers, n / (double) seconds, n, seconds);
    }
  }

  private static long measure(HistoryStore store, int publishers, int seconds) throws InterruptedException {
    LongAdder acked = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      String topic = "bench/" + p;
      Thread t = new Thread(() -> {
        String data = "{\"price\": 123.45, \"symbol\": \"HRLD\", \"seq\": 0}";
        List<NewEvent> batch = List.of(new NewEvent(List.of(topic), Optional.of("tick"), data, Optional.empty()));
        while (!stop.get()) {
          store.append(batch, Optional.empty()).join();
          acked.increment();
        }
      });
      threads.add(t);
      t.start();
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    return acked.sum();
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
