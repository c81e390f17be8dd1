package dev.herald.hub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens SQLite stores for the fault tests: over a temp dir, with a test clock and roomy limits,
 * each closed after the test.
 */
abstract class SqliteStoreSupport {
  @TempDir
  Path dir;
  final TestClock clock = new TestClock(1_700_000_000_000L);
  private final List<HistoryStore> opened = new ArrayList<>();
  private final SqliteSchema.Sync sync;

  SqliteStoreSupport(SqliteSchema.Sync sync) {
    this.sync = sync;
  }

  SqliteHistoryStore open(Path data) {
    SqliteHistoryStore s = SqliteHistoryStore.open(data, new HistoryStore.Limits(1_000_000, Duration.ofDays(1),
        Duration.ofMinutes(5)), clock, sync);
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(HistoryStore::close);
  }
}
