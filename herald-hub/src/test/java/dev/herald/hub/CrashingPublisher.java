package dev.herald.hub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A child process for {@link SqliteHistoryStoreTest}: appends to a SQLite store in a loop and
 * prints each acknowledged id, until the test kills it with SIGKILL.
 */
final class CrashingPublisher {
  private CrashingPublisher() {}

  public static void main(String[] args) {
    HistoryStore store = SqliteHistoryStore.open(Path.of(args[0]),
        new HistoryStore.Limits(1_000_000, Duration.ofDays(1), Duration.ofMinutes(5)));
    for (long i = 0; ; i++) {
      AppendResult r = store.append(List.of(HistoryStoreContract.ev("event " + i, "crash/" + (i % 4))), Optional.empty()).join();
      System.out.println("acked " + r.events().get(0).id());
      System.out.flush();
    }
  }
}
