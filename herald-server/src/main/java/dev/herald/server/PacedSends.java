package dev.herald.server;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The events of one stream sent with {@link SseStream#sendWhenWritable} that are waiting for it
 * to drain, in call order. One lock guards the queue and every hand-over to the stream, so an
 * event is taken out of the queue and offered in one step and a paced send never overtakes one
 * that waits; the lock is held only to move buffers. Stages that waited are completed on a server
 * callback thread, in order, after the lock is released (inline only if that pool refuses, at shutdown). The
 * stages handed out are minimal ones: a caller can wait on them but not complete them.
 */
final class PacedSends {
  /** What the stream did with a buffer offered to it. */
  enum Offer {
    /** Queued and counted; the stream owns the buffer now. */
    ACCEPTED,
    /** The backlog is at the bound; the buffer is still the caller's. */
    FULL,
    /** The stream is closed; the buffer was released. */
    CLOSED
  }

  /** The stream side: queues a buffer unless the backlog is at the bound. */
  interface Sink {
    Offer offer(ByteBuf buf);
  }

  private record Waiting(ByteBuf buf, CompletableFuture<Boolean> done) {}

  // minimal stages: shared safely, a caller cannot complete them (toCompletableFuture copies)
  private static final CompletionStage<Boolean> TRUE = CompletableFuture.completedStage(true);
  private static final CompletionStage<Boolean> FALSE = CompletableFuture.completedStage(false);

  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by this
  private volatile boolean any; // mirrors !waiting.isEmpty() for lock-free checks
  private final SerialLane completions;
  private final Sink sink;
  private final BooleanSupplier connected;
  private final BooleanSupplier drained;

  /**
   * {@code connected}: whether the stream is open and its connection can still take bytes (false
   * once either is closing); {@code drained}: whether the backlog is at its low-water mark or below.
   */
  PacedSends(ServerContext server, Sink sink, BooleanSupplier connected, BooleanSupplier drained) {
    this.completions = server.callbackLane();
    this.sink = sink;
    this.connected = connected;
    this.drained = drained;
  }

  /** Whether events are waiting (a snapshot). */
  boolean hasWaiting() {
    return any;
  }

  /** Events waiting (tests). */
  synchronized int size() {
    return waiting.size();
  }

  /**
   * Any thread: offers {@code buf} at once if nothing waits and there is room, else queues it
   * until a {@link #pump}. Takes ownership of {@code buf}.
   */
  CompletionStage<Boolean> send(ByteBuf buf) {
    CompletionStage<Boolean> done = offerOrQueue(buf);
    // the stream changes its state before it checks for waiting events, and this queued before it
    // checks the state: a drain or close that saw nothing waiting is seen here, and acted for
    if (any) {
      if (!connected.getAsBoolean()) {
        failAll(); // closed or closing: its close may have failed what waited before this came
      } else if (drained.getAsBoolean()) {
        pump();
      }
    }
    return done;
  }

  private CompletionStage<Boolean> offerOrQueue(ByteBuf buf) {
    synchronized (this) {
      if (waiting.isEmpty()) {
        switch (sink.offer(buf)) {
          case ACCEPTED:
            return TRUE;
          case CLOSED:
            return FALSE;
          case FULL:
            break;
        }
      }
      CompletableFuture<Boolean> done = new CompletableFuture<>();
      waiting.addLast(new Waiting(buf, done));
      any = true;
      return done.minimalCompletionStage();
    }
  }

  /**
   * Any thread, when the stream has drained: offers waiting events in order until one finds the
   * backlog at the bound again (it stays first) or none are left; completes the accepted ones
   * with {@code true} on a callback thread. Does nothing while the connection is closing, so the close
   * completes them with {@code false} instead.
   */
  void pump() {
    List<CompletableFuture<Boolean>> accepted = new ArrayList<>();
    List<CompletableFuture<Boolean>> refused = new ArrayList<>(0);
    synchronized (this) {
      Waiting w;
      while (connected.getAsBoolean() && (w = waiting.pollFirst()) != null) {
        Offer offer = sink.offer(w.buf());
        if (offer == Offer.FULL) {
          waiting.addFirst(w);
          break;
        }
        (offer == Offer.ACCEPTED ? accepted : refused).add(w.done());
      }
      any = !waiting.isEmpty();
    }
    complete(accepted, true);
    complete(refused, false);
  }

  /** Any thread, once the stream is closed: drops every waiting event; their stages complete false. */
  void failAll() {
    List<CompletableFuture<Boolean>> dropped = new ArrayList<>();
    synchronized (this) {
      Waiting w;
      while ((w = waiting.pollFirst()) != null) {
        w.buf().release();
        dropped.add(w.done());
      }
      any = false;
    }
    complete(dropped, false);
  }

  private void complete(List<CompletableFuture<Boolean>> stages, boolean value) {
    if (!stages.isEmpty()) {
      completions.execute(() -> stages.forEach(s -> s.complete(value)));
    }
  }
}
