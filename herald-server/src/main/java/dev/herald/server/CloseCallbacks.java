package dev.herald.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SseStream#onClose} callbacks of one stream. {@link #fire} records the stream's
 * {@link CloseReason} once and runs every callback added before it, in order, on a callback thread
 * (never queued behind blocked handlers); a callback
 * added after that runs at once on the adding thread. Each callback runs exactly once, and one
 * that throws is logged without keeping the others from running. Thread-safe: {@link #add} is
 * called on any thread (the stream's handler or its users), {@link #fire} on the stream's event
 * loop, or on the closing thread once the loop is gone. (A stream whose close has already begun
 * does not add here but uses {@link #runNow}.)
 */
final class CloseCallbacks {
  // the category these messages had before this class was split out of the stream
  private static final Logger log = LoggerFactory.getLogger(NettySseStream.class);

  private final ServerContext server;
  private final Object owner;
  private List<Consumer<CloseReason>> callbacks = new ArrayList<>(2); // guarded by this
  private CloseReason fired; // guarded by this

  /** {@code owner} names the stream in log messages. */
  CloseCallbacks(ServerContext server, Object owner) {
    this.server = server;
    this.owner = owner;
  }

  /** Any thread: runs {@code callback} when the stream closes, or now if it has closed. */
  void add(Consumer<CloseReason> callback) {
    CloseReason why;
    synchronized (this) {
      if (fired == null) {
        callbacks.add(callback);
        return;
      }
      why = fired;
    }
    run(callback, why);
  }

  /** The stream closed with {@code why}: runs the callbacks on a callback thread; later calls do nothing. */
  void fire(CloseReason why) {
    List<Consumer<CloseReason>> toRun;
    synchronized (this) {
      if (fired != null) {
        return;
      }
      fired = why;
      toRun = callbacks;
      callbacks = null;
    }
    if (!toRun.isEmpty()) {
      server.callbackLane().execute(() -> toRun.forEach(cb -> run(cb, why)));
    }
  }

  /**
   * Runs {@code callback} at once on the calling thread with {@code why}: for a stream whose close
   * has begun, so the callback is not queued behind the close (which may still be on its way to
   * the event loop). Never part of {@link #fire}: it runs exactly once.
   */
  void runNow(Consumer<CloseReason> callback, CloseReason why) {
    run(callback, why);
  }

  private void run(Consumer<CloseReason> callback, CloseReason why) {
    try {
      callback.accept(why);
    } catch (RuntimeException e) {
      log.warn("onClose callback of the stream for {} failed", owner, e);
    }
  }
}
