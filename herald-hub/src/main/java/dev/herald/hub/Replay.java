package dev.herald.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.core.SseEvent;
import dev.herald.server.SseStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's catch-up: the {@code retry:} hint, a {@code herald-gap} event when the resume
 * point cannot be honoured, the history after it in pages of {@value #PAGE} events, then the
 * switch to live ({@link Subscription#goLive}). History obeys the live rule: a private event the
 * subscriber may not receive ({@link Subscription#mayReceive}) is read past, never sent, and never
 * named in a {@code herald-gap} (which reports the last id the client was sent).
 *
 * <p>Pacing: the replay sends only while the stream {@linkplain SseStream#isWritable() is
 * writable}. When it is not, the replay parks — it registers {@link SseStream#onWritable} and
 * returns, freeing its thread — and continues on the replay executor once the socket has drained
 * to the stream's low-water mark. So a reader that keeps up receives the whole history on one
 * stream, however long, and the hub holds at most one page and the stream's bound per
 * subscriber meanwhile. A reader that stops reading leaves the stream at its bound and the
 * replay parked; the next heartbeat then closes the stream as a slow consumer.
 *
 * <p>Threading: runs only on the replay executor, and never on two threads at once: the one
 * continuation is scheduled by the writability callback registered as the last act of a run,
 * and the executor hand-off publishes this object's fields to the next run.
 */
final class Replay implements Runnable {
  /** Events read from the store per replay page. */
  static final int PAGE = 500;

  private static final Logger log = LoggerFactory.getLogger(Replay.class);

  private final Subscription sub;
  private final SseStream stream;
  private final HistoryStore store;
  private final HubMetrics metrics;
  private final Executor executor;
  private final Duration retry;
  private final SubscribeHandler.Resume resume;
  private final long lastIdAtRegister;

  private boolean started;
  private long cursor; // the id after which the next page is read
  private boolean positioned; // whether cursor is a point the client actually reached
  private String reportedId;
  private List<StoredEvent> page = List.of();
  private int next; // index of the next event of page to send
  private boolean caughtUp; // the last page read was short: the store has nothing more for now

  /**
   * {@code lastIdAtRegister} is the store's last id read before {@code sub} was registered in the
   * broker: a live-only replay that must re-read the store (its buffer overflowed before it ran)
   * reads after it, so nothing published once the subscription was registered is lost.
   */
  Replay(Subscription sub, HistoryStore store, HubMetrics metrics, Executor executor, Duration retry,
      SubscribeHandler.Resume resume, long lastIdAtRegister) {
    this.sub = Objects.requireNonNull(sub, "sub == null");
    this.stream = sub.stream();
    this.store = Objects.requireNonNull(store, "store == null");
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
    this.executor = Objects.requireNonNull(executor, "executor == null");
    this.retry = Objects.requireNonNull(retry, "retry == null");
    this.resume = Objects.requireNonNull(resume, "resume == null");
    this.reportedId = resume.raw;
    this.lastIdAtRegister = lastIdAtRegister;
  }

  @Override
  public void run() {
    try {
      if (!started) {
        started = true;
        if (!stream.retry(retry) || !position()) {
          return;
        }
      }
      step();
    } catch (RuntimeException | Error e) {
      log.warn("Replay for {} failed; closing the stream so the client resumes", stream, e);
      stream.close(); // never left open with no replay behind it
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  /** First run: where history starts, and the gap signal if the resume point is not usable. */
  private boolean position() {
    switch (resume.kind) {
      case LIVE:
        // live only means after the events published before it registered: one whose fan-out
        // was still queued when it registered reaches it (buffered or live) and must be dropped
        cursor = lastIdAtRegister; // read only if the live buffer overflows before going live
        caughtUp = true;
        break;
      case EARLIEST:
        break;
      case INVALID:
        gap(resume.raw, "invalid");
        break;
      case AFTER:
        if (resume.id > store.lastId()) {
          gap(resume.raw, "unknown");
        } else {
          cursor = resume.id;
          positioned = true;
        }
        break;
      default:
        throw new AssertionError(resume.kind);
    }
    sub.startAfter(cursor, reportedId);
    return stream.isOpen();
  }

  /** Sends while the stream is writable; parks when it is not; ends when live or closed. */
  private void step() {
    while (stream.isOpen()) {
      if (!stream.isWritable()) {
        park();
        return;
      }
      if (next < page.size()) {
        StoredEvent e = page.get(next++);
        cursor = e.id();
        if (!sub.mayReceive(e)) {
          continue; // private and not for this subscriber: read past it, tell nothing of it
        }
        if (!sub.sendReplayed(e)) {
          return;
        }
        positioned = true;
        reportedId = e.wireId();
        continue;
      }
      page = List.of(); // let the sent page go while reading or parked
      if (caughtUp) {
        switch (sub.goLive()) {
          case LIVE:
          case CLOSED:
            return;
          case BLOCKED:
            continue; // the loop parks until the stream drains
          case REREAD:
            caughtUp = false;
            cursor = Math.max(cursor, sub.lastSentId());
            continue;
          default:
            throw new AssertionError();
        }
      }
      read();
    }
  }

  private void read() {
    page = store.readAfter(cursor, sub.selectors(), PAGE);
    next = 0;
    caughtUp = page.size() < PAGE;
    // checked after the read: if retention passed the cursor before it, we see it here
    if (positioned && store.trimmedThrough() > cursor) {
      gap(reportedId, "trimmed");
      positioned = false;
    }
  }

  /** Continues on the replay executor once the stream has drained; the last act of a run. */
  private void park() {
    stream.onWritable(() -> {
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        log.debug("Replay executor refused to continue {}; closing it so the client resumes", stream);
        stream.close();
      }
    });
  }

  private void gap(String lastEventId, String reason) {
    if (stream.send(gapEvent(lastEventId, reason, store))) {
      metrics.gap();
    }
  }

  /**
   * The {@code herald-gap} event: {@code {"lastEventId":…,"reason":…,"oldestAvailable":…}}
   * ({@code lastEventId} null when the client was sent none and sent none).
   */
  static SseEvent gapEvent(String lastEventId, String reason, HistoryStore store) {
    return gapEvent(lastEventId, reason, oldestAvailable(store));
  }

  /**
   * The id clients see of the oldest retained event (any topic), empty when nothing is retained:
   * the {@code oldestAvailable} of a gap. A store's id, not a position (a Redis entry id is not
   * its position plus one), so a client may send it back as {@code Last-Event-ID}.
   */
  static Optional<String> oldestAvailable(HistoryStore store) {
    long trimmed = store.trimmedThrough();
    if (store.lastId() <= trimmed) {
      return Optional.empty();
    }
    try {
      List<StoredEvent> first = store.readAfter(trimmed, EVERY_TOPIC, 1);
      return first.isEmpty() ? Optional.empty() : Optional.of(first.get(0).wireId());
    } catch (RuntimeException e) { // the store is failing: the gap is still told, without it
      return Optional.empty();
    }
  }

  /** The {@code herald-gap} event with a precomputed {@link #oldestAvailable}. */
  static SseEvent gapEvent(String lastEventId, String reason, Optional<String> oldestAvailable) {
    ObjectNode data = HubJson.MAPPER.createObjectNode();
    if (lastEventId != null) {
      data.put("lastEventId", SubscribeHandler.echo(lastEventId));
    } else {
      data.putNull("lastEventId");
    }
    data.put("reason", reason);
    if (oldestAvailable.isPresent()) {
      data.put("oldestAvailable", oldestAvailable.get());
    } else {
      data.putNull("oldestAvailable");
    }
    return SseEvent.builder().event(SubscribeHandler.GAP_EVENT).data(data.toString()).build();
  }

  private static final List<TopicSelector> EVERY_TOPIC = List.of(TopicSelector.parse("*"));
}
