package dev.herald.redis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A publisher thread for cluster tests: publishes {@code count} events on one topic, each with
 * its own {@code Idempotency-Key}, retrying a failed attempt (an error answer or a broken
 * connection) with the same key until it is acknowledged (200), as a careful client does. Records
 * the acknowledged ids in order and every attempt that was not a 200.
 */
final class Publisher implements AutoCloseable {
  /** An attempt that did not get a 200: its status (0 for a broken connection) and body. */
  record Failure(int status, String body) {}

  private final URI base;
  private final String topic;
  private final String prefix;
  private final int count;
  private final Thread thread;
  private final List<String> acked = new ArrayList<>(); // guarded by this: ids, in publish order
  private final List<String> ackedData = new ArrayList<>(); // guarded by this
  private final List<Failure> failures = new ArrayList<>(); // guarded by this
  private final AtomicInteger progress = new AtomicInteger();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean finishing;

  Publisher(URI base, String topic, String prefix, int count) {
    this.base = base;
    this.topic = topic;
    this.prefix = prefix;
    this.count = count;
    this.thread = new Thread(this::run, "publisher-" + prefix);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      for (int i = 0; i < count && !closed && !finishing; i++) {
        String data = prefix + "-" + i;
        String key = prefix + "-key-" + i;
        while (!closed) {
          try {
            HttpResponse<String> r = Cluster.post(base, topic, data, key);
            if (r.statusCode() == 200) {
              synchronized (this) {
                acked.add(Cluster.id(r));
                ackedData.add(data);
              }
              progress.incrementAndGet();
              break;
            }
            synchronized (this) {
              failures.add(new Failure(r.statusCode(), r.body()));
            }
          } catch (IOException e) {
            synchronized (this) {
              failures.add(new Failure(0, e.toString()));
            }
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a client's retry delay
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      done.countDown();
    }
  }

  /** How many events were acknowledged so far. */
  int acknowledged() {
    return progress.get();
  }

  /** Publishes no new event once the current one is acknowledged; {@link #finished} then says when. */
  void finish() {
    finishing = true;
  }

  /** Waits until the thread ended (all acknowledged, or {@link #finish} honoured); false if {@code seconds} pass. */
  boolean finished(long seconds) throws InterruptedException {
    return done.await(seconds, TimeUnit.SECONDS);
  }

  /** Waits until all are acknowledged; false if {@code seconds} pass first. */
  boolean await(long seconds) throws InterruptedException {
    return done.await(seconds, TimeUnit.SECONDS) && acknowledged() == count;
  }

  synchronized List<String> ackedIds() {
    return List.copyOf(acked);
  }

  synchronized List<String> ackedData() {
    return List.copyOf(ackedData);
  }

  synchronized List<Failure> failures() {
    return List.copyOf(failures);
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.join(70_000);
  }
}
