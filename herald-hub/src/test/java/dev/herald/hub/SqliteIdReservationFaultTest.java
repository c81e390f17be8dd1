package dev.herald.hub;

import static dev.herald.hub.HistoryStoreContract.append;
import static dev.herald.hub.HistoryStoreContract.ev;
import static dev.herald.hub.HistoryStoreContract.ids;
import static dev.herald.hub.HistoryStoreContract.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The id high-water file under faults: it cannot be written, and a backup taken while the hub runs. */
class SqliteIdReservationFaultTest extends SqliteStoreSupport {
  SqliteIdReservationFaultTest() {
    super(SqliteSchema.Sync.NORMAL);
  }

  @Test
  void aReservationThatCannotBeWrittenFailsReadinessAndTheNextStartStillTrustsTheDatabase() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    fillFirstBlock(s);
    Path tmp = data.resolve(SqliteIdReservation.FILE_NAME + ".tmp");
    Files.createDirectory(tmp); // herald.ids cannot be rewritten now

    assertThatThrownBy(() -> append(s, ev("next", "t"))).hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(s.checkReady()).as("readiness while the next id cannot be reserved").isPresent();
    assertThatThrownBy(() -> append(s, ev("next", "t"))).hasCauseInstanceOf(StoreUnavailableException.class);

    Files.delete(tmp);
    assertThat(s.checkReady()).isEmpty();
    assertThat(ids(append(s, ev("after", "t")))).containsExactly(SqliteIdReservation.BLOCK + 1);
    s.close();

    SqliteHistoryStore again = open(data);
    assertThat(again.trimmedThrough()).as("the same database: nothing reported trimmed").isZero();
    assertThat(ids(append(again, ev("later", "t")))).containsExactly(SqliteIdReservation.BLOCK + 2);
  }

  @Test
  void aStopRightAfterTheReservationRecoveredStillTrustsTheDatabaseAtTheNextStart() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    fillFirstBlock(s);
    Path tmp = data.resolve(SqliteIdReservation.FILE_NAME + ".tmp");
    Files.createDirectory(tmp);
    assertThatThrownBy(() -> append(s, ev("next", "t"))).hasCauseInstanceOf(StoreUnavailableException.class);
    Files.delete(tmp);
    assertThat(s.checkReady()).isEmpty(); // reserves the next block, which no commit records before the stop
    s.close();

    SqliteHistoryStore again = open(data);
    assertThat(again.trimmedThrough()).as("the same database: nothing reported trimmed").isZero();
    assertThat(ids(append(again, ev("later", "t")))).containsExactly(SqliteIdReservation.BLOCK + 1);
  }

  private static void fillFirstBlock(SqliteHistoryStore s) {
    List<NewEvent> many = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add(ev("m" + i, "t"));
    }
    while (s.lastId() < SqliteIdReservation.BLOCK) {
      s.append(many, Optional.empty()).orTimeout(30, TimeUnit.SECONDS).join();
    }
    assertThat(s.lastId()).isEqualTo(SqliteIdReservation.BLOCK); // the whole first block, no new reservation yet
  }

  @Test
  void aBackupTakenWhileTheHubRunsAndRestoredLaterNeverReusesIds() throws Exception {
    Path data = dir.resolve("data");
    SqliteHistoryStore s = open(data);
    append(s, ev("a", "t"));
    Path copy = dir.resolve("copy.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("herald.db"));
        Statement st = c.createStatement()) {
      st.execute("VACUUM INTO '" + copy + "'"); // an online backup, as sqlite3 .backup makes it
    }
    assertThat(ids(append(s, ev("b", "t"), ev("c", "t")))).containsExactly(2L, 3L);
    s.close();
    Files.copy(copy, data.resolve("herald.db"), StandardCopyOption.REPLACE_EXISTING);

    SqliteHistoryStore restored = open(data);
    assertThat(read(restored, 0, 100, "**")).extracting(StoredEvent::data).containsExactly("a");
    assertThat(ids(append(restored, ev("d", "t"))).get(0)).as("ids 2 and 3 were handed out").isGreaterThan(3);
  }
}
