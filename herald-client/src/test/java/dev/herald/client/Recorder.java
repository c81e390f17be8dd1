package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listener recording every call, in order, as a value in a queue; test helper. */
final class Recorder implements EventSourceListener {
  record Error(HeraldClientException error, boolean willRetry) {}

  static final String OPEN = "open";
  static final String CLOSED = "closed";

  final BlockingQueue<Object> log = new LinkedBlockingQueue<>();
  final List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onOpen(EventSource source) {
    add(OPEN);
  }

  @Override
  public void onEvent(EventSource source, MessageEvent event) {
    add(event);
  }

  @Override
  public void onComment(EventSource source, String comment) {
    add("comment:" + comment);
  }

  @Override
  public void onError(EventSource source, HeraldClientException error, boolean willRetry) {
    add(new Error(error, willRetry));
  }

  @Override
  public void onClosed(EventSource source) {
    add(CLOSED);
  }

  private void add(Object o) {
    threads.add(Thread.currentThread().getName());
    log.add(o);
  }

  /** The next call, waiting up to 30 s. */
  Object next() throws InterruptedException {
    return next(Duration.ofSeconds(30));
  }

  Object next(Duration timeout) throws InterruptedException {
    Object o = log.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (o == null) {
      throw new AssertionError("nothing within " + timeout);
    }
    return o;
  }

  MessageEvent nextEvent() throws InterruptedException {
    Object o = next();
    assertThat(o).isInstanceOf(MessageEvent.class);
    return (MessageEvent) o;
  }

  Error nextError() throws InterruptedException {
    Object o = next();
    assertThat(o).isInstanceOf(Error.class);
    return (Error) o;
  }

  /** The next events, skipping open, comments and retried errors, until {@code count} events arrived. */
  List<MessageEvent> events(int count) throws InterruptedException {
    List<MessageEvent> events = new ArrayList<>();
    while (events.size() < count) {
      Object o = next();
      if (o instanceof MessageEvent) {
        events.add((MessageEvent) o);
      } else if (o.equals(CLOSED) || o instanceof Error && !((Error) o).willRetry()) {
        throw new AssertionError("closed after " + events + ": " + o);
      }
    }
    return events;
  }

  /**
   * The next call, running {@code tick} (e.g. advancing a {@link ManualTiming}) each time nothing
   * came for a moment; gives up after 30 s. The verdict does not depend on how fast anything is:
   * it only decides how often {@code tick} runs.
   */
  Object nextWhile(Runnable tick) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Object o = log.poll(20, TimeUnit.MILLISECONDS);
      if (o != null) {
        return o;
      }
      tick.run();
    }
    throw new AssertionError("nothing within 30 s");
  }
}
