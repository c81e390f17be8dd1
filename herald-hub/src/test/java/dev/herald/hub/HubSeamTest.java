package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The seam between replay and live delivery under load: subscribers join at random moments with
 * random resume points while events keep being published; each must receive exactly the
 * contiguous ids after its resume point, in order, with no gap and no duplicate.
 */
class HubSeamTest extends HubTestSupport {
  private static final int EVENTS = 2_000;
  private static final int SUBSCRIBERS = 24;

  @Test
  void everySubscriberGetsTheContiguousSequenceAfterItsResumePoint() throws Exception {
    Hub hub = start();
    URI u = hub.uri();
    AtomicReference<Throwable> publishFailure = new AtomicReference<>();
    CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 1; i <= EVENTS; i++) {
          HubHttp.publish(u, i % 3 == 0 ? "seam/b" : "seam/a", "e" + i);
        }
      } catch (Throwable t) {
        publishFailure.set(t);
      }
    });

    Random random = new Random(7);
    List<SseTestClient> clients = new ArrayList<>();
    List<Long> resumePoints = new ArrayList<>(); // -1 = live only
    for (int i = 0; i < SUBSCRIBERS; i++) {
      Thread.sleep(random.nextInt(250));
      long last = hub.store().lastId();
      long resume;
      String header;
      switch (i % 4) {
        case 0:
          resume = -1;
          header = null;
          break;
        case 1:
          resume = 0;
          header = "earliest";
          break;
        default:
          resume = last == 0 ? 0 : (long) random.nextInt((int) last + 1);
          header = Long.toString(resume);
      }
      String query = i % 2 == 0 ? "topic=seam/*" : "topic=seam/a&topic=seam/b";
      clients.add(subscribe(u, query, header));
      resumePoints.add(resume);
    }
    publisher.get(60, TimeUnit.SECONDS);
    assertThat(publishFailure.get()).isNull();
    assertThat(hub.store().lastId()).isEqualTo(EVENTS);

    for (int i = 0; i < clients.size(); i++) {
      List<Long> ids = receiveThrough(clients.get(i), EVENTS);
      long first = resumePoints.get(i) < 0 ? ids.get(0) : resumePoints.get(i) + 1;
      List<Long> expected = new ArrayList<>();
      for (long id = first; id <= EVENTS; id++) {
        expected.add(id);
      }
      assertThat(ids).as("subscriber %d resuming after %d", i, resumePoints.get(i)).isEqualTo(expected);
    }
  }

  private static List<Long> receiveThrough(SseTestClient client, long lastId) throws InterruptedException {
    List<Long> ids = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ids.isEmpty() || ids.get(ids.size() - 1) < lastId) {
      MessageEvent e = client.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).orElse(null);
      assertThat(e).as("event after %s", ids.isEmpty() ? "start" : ids.get(ids.size() - 1)).isNotNull();
      assertThat(e.type()).isEqualTo("message");
      ids.add(Long.parseLong(e.lastEventId()));
    }
    return ids;
  }
}
