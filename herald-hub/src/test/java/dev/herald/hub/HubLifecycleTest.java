package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.SseTestClient;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Health, readiness, metrics, store failure, draining stop, and resume across a restart. */
class HubLifecycleTest extends HubTestSupport {

  @Test
  void healthReadinessAndMetrics() throws Exception {
    TestStore store = new TestStore(100);
    Hub hub = start(config().build(), store);
    URI u = hub.uri();
    HttpResponse<String> health = HubHttp.get(u, "/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(HubHttp.get(u, "/readyz").statusCode()).isEqualTo(200);
    store.ready = false;
    HttpResponse<String> notReady = HubHttp.get(u, "/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(HubHttp.json(notReady).get("message").asText()).contains("not ready");
    store.ready = true;

    SseTestClient sub = subscribe(u, "topic=m");
    HubHttp.publish(u, "m", "one");
    sub.next();
    SseTestClient replayer = subscribe(u, "topic=m", "earliest");
    replayer.next();

    System.gc(); // gauges must survive a collection (Micrometer holds their objects weakly)
    // a counter is bumped just after its event is handed to the stream, so the client may see the
    // event a moment before the counter moves: wait for the values rather than assume them
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertMetrics(HubHttp.get(u, "/metrics")));

    sub.close();
    replayer.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.broker().size() == 0 && hub.metrics().connections() == 0);
  }

  private static void assertMetrics(HttpResponse<String> metrics) {
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body())
        .contains("herald_connections 2.0")
        .contains("herald_subscriptions 2.0")
        .contains("herald_events_published_total 1.0")
        .contains("herald_deliveries_total 1.0")
        .contains("herald_replayed_events_total 1.0")
        .contains("herald_gaps_total 0.0")
        .contains("herald_slow_consumer_closes_total 0.0")
        .contains("herald_publish_latency_seconds_bucket")
        .contains("herald_publish_latency_seconds_count 1")
        .contains("herald_store_append_latency_seconds_count 1");
  }

  @Test
  void aStoreFailureAnswers503AndPublishesNothing() throws Exception {
    TestStore store = new TestStore(100);
    Hub hub = start(config().build(), store);
    SseTestClient sub = subscribe(hub.uri(), "topic=f");
    store.failAppends = true;
    HttpResponse<String> r = HubHttp.postJson(hub.uri(), "[{\"topic\":\"f\",\"data\":\"1\"},{\"topic\":\"f\",\"data\":\"2\"}]");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(HubHttp.json(r).get("message").asText()).contains("nothing was published");
    assertThat(store.lastId()).isZero();
    store.failAppends = false;
    HubHttp.publish(hub.uri(), "f", "after");
    assertThat(sub.next().data()).isEqualTo("after"); // the refused batch did not come before it
    assertThat(assertNothingElseArrives(hub.uri(), "f", sub)).isEqualTo(2); // nor after
  }

  @Test
  void stopSendsTheRetryHintThenEndsEveryStream() throws Exception {
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=s");
    HubHttp.publish(hub.uri(), "s", "x");
    sub.next();
    hub.close();
    assertThat(sub.awaitRetry()).isEqualTo(RETRY);
    assertThat(sub.awaitEnd()).isTrue();
    hub.close();
  }

  @Test
  void aPublishRacingStopIsEitherAcknowledgedAndDurableOrRefused() throws Exception {
    Hub hub = start();
    URI u = hub.uri();
    ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> refused = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch someAcked = new CountDownLatch(20);
    List<Thread> publishers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        while (running.get()) {
          try {
            HttpResponse<String> r = HubHttp.postForm(u, HubHttp.form("topic", "race", "data", "x"));
            if (r.statusCode() == 200) {
              acked.add(Long.parseLong(HubHttp.json(r).get("id").asText()));
              someAcked.countDown();
            } else if (r.statusCode() == 503 && HubHttp.json(r).get("message").asText().contains("shutting down")) {
              refused.add(r.statusCode());
            } else {
              unexpected.add(r.statusCode() + " " + r.body()); // asserted below: a thread's failure would be lost
            }
          } catch (UncheckedIOException e) {
            return; // the server is gone: connection refused or closed before a request was admitted
          }
        }
      });
      th.start();
      publishers.add(th);
    }
    assertThat(someAcked.await(30, TimeUnit.SECONDS)).isTrue();
    hub.close();
    running.set(false);
    for (Thread th : publishers) {
      th.join(30_000);
      assertThat(th.isAlive()).as("publisher ended after stop").isFalse();
    }
    Hub again = start();
    List<Long> stored = new ArrayList<>();
    again.store().readAfter(0, List.of(TopicSelector.parse("race")), 1_000_000).forEach(e -> stored.add(e.id()));
    assertThat(stored).containsAll(acked);
    assertThat(acked).isNotEmpty();
    assertThat(unexpected).as("answers other than 200 or a 503 'shutting down'").isEmpty();
  }

  @Test
  void resumeAfterARestartGetsExactlyTheMissedEventsAndIdsKeepGrowing() throws Exception {
    Hub first = start();
    for (int i = 1; i <= 5; i++) {
      HubHttp.publish(first.uri(), "r/" + (i % 2), "e" + i);
    }
    first.close();

    Hub second = start();
    SseTestClient sub = subscribe(second.uri(), "topic=r/*", "3");
    assertThat(sub.next(2)).extracting(e -> e.lastEventId() + ":" + e.data()).containsExactly("4:e4", "5:e5");
    assertThat(HubHttp.publish(second.uri(), "r/1", "e6")).isEqualTo(6);
    assertThat(sub.next().lastEventId()).isEqualTo("6");
    assertNothingElseArrives(second.uri(), "r/0", sub);
  }
}
