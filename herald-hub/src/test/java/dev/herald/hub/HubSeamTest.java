package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The seam between replay and live delivery under load: subscribers join while events keep being
 * published, each with its own resume point; each must receive exactly the contiguous ids after
 * its resume point, in order, with no gap and no duplicate.
 *
 * <p>Nothing here depends on how fast the machine is. Every subscriber has a checkpoint, a
 * publish count chosen up front from a fixed seed: it starts subscribing once the publisher has
 * published {@link #LEAD} events fewer than that (so its subscription races ongoing publishes),
 * and the publisher does not start the event after the checkpoint until the subscriber is
 * confirmed registered (its {@code retry:} hint arrived, which the hub sends only after
 * registering it). So every subscriber, whatever the kind, joins with events still to come.
 */
class HubSeamTest extends HubTestSupport {
  private static final int EVENTS = 2_000;
  private static final int SUBSCRIBERS = 24;
  /** How many publishes before its checkpoint a subscriber starts subscribing. */
  private static final int LEAD = 25;
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** How a subscriber resumes; {@code i % 4} picks it, so each kind meets both selector forms. */
  private enum Kind { LIVE, EARLIEST, AFTER_ID, AFTER_ID_AGAIN }

  @Test
  void everySubscriberGetsTheContiguousSequenceAfterItsResumePoint() throws Exception {
    Hub hub = start();
    URI u = hub.uri();
    Random random = new Random(7);
    long[] checkpoints = checkpoints(random);
    CountDownLatch[] confirmed = new CountDownLatch[SUBSCRIBERS];
    for (int i = 0; i < SUBSCRIBERS; i++) {
      confirmed[i] = new CountDownLatch(1);
    }
    Progress published = new Progress();
    CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
      int next = 0; // the next subscriber whose checkpoint the publisher has to wait at
      for (long n = 1; n <= EVENTS; n++) {
        while (next < SUBSCRIBERS && checkpoints[next] == n - 1) {
          awaitLatch(confirmed[next], "subscriber " + next + " confirmed");
          next++;
        }
        long id = HubHttp.publish(u, n % 3 == 0 ? "seam/b" : "seam/a", "e" + n);
        if (id != n) {
          throw new AssertionError("publish " + n + " got id " + id);
        }
        published.advanceTo(n);
      }
    });

    List<SseTestClient> clients = new ArrayList<>();
    List<Long> resumePoints = new ArrayList<>(); // -1: live only
    for (int i = 0; i < SUBSCRIBERS; i++) {
      long startAt = Math.max(0, checkpoints[i] - LEAD);
      published.awaitAtLeast(startAt, publisher);
      Kind kind = Kind.values()[i % 4];
      long resume = kind == Kind.LIVE ? -1 : kind == Kind.EARLIEST ? 0 : (long) random.nextInt((int) startAt + 1);
      String header = kind == Kind.LIVE ? null : kind == Kind.EARLIEST ? "earliest" : Long.toString(resume);
      String query = (i / 4) % 2 == 0 ? "topic=seam/*" : "topic=seam/a&topic=seam/b";
      clients.add(subscribe(u, query, header)); // returns once the retry: hint arrived: registered
      confirmed[i].countDown();
      resumePoints.add(resume);
    }
    publisher.get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(hub.store().lastId()).isEqualTo(EVENTS);

    for (int i = 0; i < clients.size(); i++) {
      List<Long> ids = receiveThrough(clients.get(i), EVENTS);
      long resume = resumePoints.get(i);
      long first;
      if (resume < 0) {
        // Live only: the event after its checkpoint was published after it was registered, so
        // it must be there; events published while it registered may or may not be.
        first = ids.get(0);
        assertThat(first).as("live-only subscriber %d (checkpoint %d): first id", i, checkpoints[i])
            .isBetween(1L, checkpoints[i] + 1);
      } else {
        first = resume + 1;
      }
      assertThat(ids).as("subscriber %d resuming after %d", i, resume).isEqualTo(range(first, EVENTS));
    }
  }

  /**
   * Distinct, sorted publish counts in {@code [0, EVENTS - 1]}, chosen from {@code random}: one at
   * 0 (before anything is published) and one at {@code EVENTS - 1} (one event left).
   */
  private static long[] checkpoints(Random random) {
    TreeSet<Long> set = new TreeSet<>(List.of(0L, (long) EVENTS - 1));
    while (set.size() < SUBSCRIBERS) {
      set.add((long) random.nextInt(EVENTS));
    }
    return set.stream().mapToLong(Long::longValue).toArray();
  }

  private static List<Long> range(long first, long last) {
    List<Long> ids = new ArrayList<>();
    for (long id = first; id <= last; id++) {
      ids.add(id);
    }
    return ids;
  }

  private static void awaitLatch(CountDownLatch latch, String what) {
    try {
      if (!latch.await(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new AssertionError("timed out waiting for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /** Reads events until {@code lastId}; each must arrive within {@link #WAIT} of the previous one. */
  private static List<Long> receiveThrough(SseTestClient client, long lastId) throws InterruptedException {
    List<Long> ids = new ArrayList<>();
    while (ids.isEmpty() || ids.get(ids.size() - 1) < lastId) {
      MessageEvent e = client.next(WAIT).orElse(null);
      assertThat(e).as("event after %s", ids.isEmpty() ? "start" : ids.get(ids.size() - 1)).isNotNull();
      assertThat(e.event()).isEqualTo("message");
      ids.add(Long.parseLong(e.lastEventId()));
    }
    return ids;
  }

  /** How many events the publisher has published so far; subscribers wait on it. */
  private static final class Progress {
    private long count; // guarded by this

    synchronized void advanceTo(long n) {
      count = n;
      notifyAll();
    }

    /** Waits until {@code n} events are published; fails if the publisher failed or stalled. */
    synchronized void awaitAtLeast(long n, CompletableFuture<Void> publisher) throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (count < n) {
        if (publisher.isDone()) {
          publisher.get(); // throws the publisher's failure
          throw new AssertionError("publisher ended at " + count + " before " + n);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("publisher stalled at " + count + ", waiting for " + n);
        }
        wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
      }
    }
  }
}
