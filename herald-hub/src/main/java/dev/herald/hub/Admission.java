package dev.herald.hub;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's door for requests that must finish before it stops: {@link #enter} admits a request
 * unless the hub is draining, {@link #exit} ends it, and {@link #closeAndAwait} shuts the door
 * and waits for the admitted ones. A request that entered is always seen by the waiter (the
 * count is raised before the closed flag is checked).
 *
 * <p>Threading: thread-safe.
 */
final class Admission {
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;

  /** Admits one request; {@code false} if the hub is draining (the caller answers 503). */
  boolean enter() {
    inFlight.incrementAndGet();
    if (closed) {
      exit();
      return false;
    }
    return true;
  }

  /** Ends a request admitted by {@link #enter}. */
  void exit() {
    if (inFlight.decrementAndGet() == 0 && closed) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** Whether new requests are still admitted. */
  boolean isOpen() {
    return !closed;
  }

  /** Refuses new requests and waits up to {@code timeout} for admitted ones; true if none is left. */
  boolean closeAndAwait(Duration timeout) {
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }
}
