package dev.herald.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands durable batches from the store's listener to one fan-out thread, in order, so the store
 * can acknowledge a publish as soon as it is durable instead of after it was queued to every
 * subscriber. The queue is bounded ({@value #CAPACITY} batches); when it is full the store's thread
 * waits, which slows publishing down rather than growing memory.
 *
 * <p>Ordering and the replay seam are unchanged: batches reach the deliverer in id order, and a
 * subscription registered before it reads history either finds an event in history or receives it
 * from here (duplicates are dropped by id in {@link Subscription}). A store's gap signal
 * ({@link HistoryStore#onGap}) takes its place in the same queue, so the gap reaches subscribers
 * after the events before it and before those after it.
 */
final class FanOut implements Consumer<List<StoredEvent>> {
  static final int CAPACITY = 256;
  private static final Logger log = LoggerFactory.getLogger(FanOut.class);
  private static final List<StoredEvent> STOP = new ArrayList<>(); // compared by identity

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY); // batches and Gaps
  private volatile boolean stopped;
  private final Consumer<List<StoredEvent>> deliverer;
  private final LongConsumer gaps;
  private final Thread thread;

  /** A gap signal in the queue: the store will never deliver what it had not up to this position. */
  private record Gap(long trimmedThrough) {}

  FanOut(String name, Consumer<List<StoredEvent>> deliverer) {
    this(name, deliverer, through -> { });
  }

  /** With {@code gaps} handling the store's gap signals on the fan-out thread, in queue order. */
  FanOut(String name, Consumer<List<StoredEvent>> deliverer, LongConsumer gaps) {
    this.deliverer = Objects.requireNonNull(deliverer, "deliverer == null");
    this.gaps = Objects.requireNonNull(gaps, "gaps == null");
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Store listener thread: queues {@code batch}, waiting while the queue is full (until stopped). */
  @Override
  public void accept(List<StoredEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    enqueue(batch, batch.size());
  }

  /** Store listener thread: queues the store's gap signal ({@link HistoryStore#onGap}) after what is queued. */
  void gap(long trimmedThrough) {
    enqueue(new Gap(trimmedThrough), 0);
  }

  private void enqueue(Object item, int events) {
    try {
      // wait for room, but give up once stopped: nobody would take the batch, and a store
      // waiting here could not finish closing; subscribers resume from history
      while (!stopped) {
        if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.debug("Fan-out stopped; {} events left to history", events);
  }

  private void run() {
    while (true) {
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (item == STOP) {
        return;
      }
      if (item instanceof Gap gap) {
        try {
          gaps.accept(gap.trimmedThrough());
        } catch (RuntimeException e) {
          log.warn("Telling subscribers of a gap through {} failed", gap.trimmedThrough(), e);
        }
        continue;
      }
      @SuppressWarnings("unchecked")
      List<StoredEvent> batch = (List<StoredEvent>) item;
      try {
        deliverer.accept(batch);
      } catch (RuntimeException e) {
        log.warn("Fan-out of {} events failed", batch.size(), e);
      }
    }
  }

  /**
   * Delivers what is queued, then stops the thread (waiting at most {@code timeout}); batches
   * offered from now on are dropped (they are durable, so subscribers get them on resume).
   */
  void stop(Duration timeout) {
    stopped = true;
    try {
      if (!queue.offer(STOP, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        thread.interrupt();
      }
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }
}
