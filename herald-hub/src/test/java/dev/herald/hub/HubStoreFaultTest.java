package dev.herald.hub;

import static dev.herald.hub.HubHttp.form;
import static dev.herald.hub.HubHttp.get;
import static dev.herald.hub.HubHttp.postForm;
import static dev.herald.hub.HubHttp.publish;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hub over a SQLite store that fails under it: a full database, a schema changed under it,
 * its file deleted. Publishes are refused with 503 while the store cannot write, {@code /readyz}
 * says so, and the hub recovers by itself (or, for a lost file, never reuses an id).
 */
class HubStoreFaultTest extends HubTestSupport {

  private static void sql(java.nio.file.Path db, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static HttpResponse<String> tryPublish(URI u, String data) {
    return postForm(u, form("topic", "t", "data", data));
  }

  @Test
  void aFullDiskAnswers503AndNotReadyThenRecoversWithoutARestart() throws Exception {
    HubConfig config = config().build();
    SqliteHistoryStore store = SqliteHistoryStore.open(config.dataDir(), config.storeLimits());
    Hub hub = start(config, store);
    URI u = hub.uri();
    SseTestClient live = subscribe(u, "topic=t");
    assertThat(publish(u, "t", "before")).isEqualTo(1);
    assertThat(get(u, "/readyz").statusCode()).isEqualTo(200);

    store.maxPages(1); // the disk is full
    String big = "x".repeat(50_000);
    HttpResponse<String> refused = tryPublish(u, big);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("SQLITE_FULL");
    HttpResponse<String> notReady = get(u, "/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("cannot write");
    assertThat(tryPublish(u, big).statusCode()).isEqualTo(503);

    store.maxPages(0); // space freed
    assertThat(get(u, "/readyz").statusCode()).isEqualTo(200);
    assertThat(publish(u, "t", "after")).isEqualTo(2);
    List<MessageEvent> seen = live.next(2);
    assertThat(seen).extracting(MessageEvent::data).containsExactly("before", "after");
    assertThat(seen).extracting(MessageEvent::lastEventId).containsExactly("1", "2");
  }

  @Test
  void readinessFollowsASchemaChangedUnderTheHubAndPublishesRecoverWhenItIsChangedBack() throws Exception {
    Hub hub = start();
    URI u = hub.uri();
    assertThat(publish(u, "t", "a")).isEqualTo(1);
    java.nio.file.Path db = dataDir.resolve(SqliteSchema.FILE_NAME);
    sql(db, "ALTER TABLE event_topics RENAME TO event_topics_moved");
    HttpResponse<String> notReady = get(u, "/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("event_topics");
    assertThat(tryPublish(u, "lost").statusCode()).isEqualTo(503);

    sql(db, "ALTER TABLE event_topics_moved RENAME TO event_topics");
    assertThat(publish(u, "t", "b")).isEqualTo(2);
    assertThat(get(u, "/readyz").statusCode()).isEqualTo(200);
    SseTestClient all = subscribe(u, "topic=t&lastEventId=earliest");
    assertThat(all.next(2)).extracting(MessageEvent::data).containsExactly("a", "b");
  }

  @Test
  void aDeletedDatabaseIsRefusedWith503AndAfterARestartIdsAreNotReused() throws Exception {
    Hub hub = start();
    URI u = hub.uri();
    for (int i = 1; i <= 3; i++) {
      assertThat(publish(u, "t", "e" + i)).isEqualTo(i);
    }
    Files.delete(dataDir.resolve(SqliteSchema.FILE_NAME));
    HttpResponse<String> refused = tryPublish(u, "e4");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("deleted or replaced");
    HttpResponse<String> notReady = get(u, "/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("deleted or replaced");
    hub.close();

    Hub again = start();
    URI v = again.uri();
    long next = publish(v, "t", "new");
    assertThat(next).isGreaterThan(3);
    // a client that had seen id 2 learns that history is missing instead of silently resuming
    SseTestClient resumed = subscribe(v, "topic=t", "2");
    MessageEvent gap = resumed.next();
    assertThat(gap.event()).isEqualTo(SubscribeHandler.GAP_EVENT);
    assertThat(HubHttp.parse(gap.data()).get("reason").asText()).isEqualTo("trimmed");
    assertThat(resumed.next().lastEventId()).isEqualTo(Long.toString(next));
    // an id above every id ever handed out is unknown
    SseTestClient ahead = subscribe(v, "topic=t", Long.toString(next + 1));
    assertThat(HubHttp.parse(ahead.next().data()).get("reason").asText()).isEqualTo("unknown");
  }
}
