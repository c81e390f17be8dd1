package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Records values handed to it from any thread, for blocking assertions. */
final class Recorder<T> implements Consumer<T> {
  private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();

  @Override
  public void accept(T value) {
    queue.add(value);
  }

  /** The next value, failing if none arrives within {@code timeout}. */
  T next(Duration timeout) throws InterruptedException {
    T value = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (value == null) {
      throw new AssertionError("nothing recorded within " + timeout);
    }
    return value;
  }

  /**
   * Asserts nothing more has been recorded. Call it after something that proves every value
   * that could still come has come (a marker), never after a pause.
   */
  void assertNoMore() {
    assertThat(queue.poll()).as("unexpected extra value").isNull();
  }

  /** Asserts the next value has been recorded already and equals {@code expected}. */
  void assertNext(T expected) {
    assertThat(queue.poll()).as("value recorded already").isEqualTo(expected);
  }
}
