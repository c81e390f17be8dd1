package dev.herald.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run one server's application code, kept apart so that code blocking in one
 * place cannot stall another:
 *
 * <ul>
 *   <li>plain handlers and static files: up to {@code workerThreads} threads;
 *   <li>SSE handlers (which commonly block for the whole stream): up to {@code sseHandlerThreads}
 *       threads;
 *   <li>both pools make a thread when a task finds none free, until they hold their bound, and
 *       end each thread after {@value #IDLE_SECONDS} s without work, so an idle server holds none
 *       (see {@link ElasticPool});
 *   <li>or both kinds on the executor given to {@link HeraldServer.Builder#handlerExecutor}, which
 *       the server never shuts down or interrupts (it only counts the handlers it gave it);
 *   <li>{@code onClose} and {@code onWritable} callbacks: {@link #CALLBACK_THREADS} threads of their
 *       own, each stream's callbacks in order through a {@link SerialLane}.
 * </ul>
 *
 * <p>Memory stays bounded: at most those threads, and at most {@value #QUEUE} tasks waiting for
 * each pool; a plain or SSE handler refused by a full pool (or by the given executor) is
 * answered {@code 503}, a callback refused by its pool runs on the calling thread. Thread-safe.
 */
final class HandlerExecutors {
  private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);
  /** The tasks each pool holds waiting for a thread. */
  static final int QUEUE = 10_000;
  /** The threads running stream callbacks: the processors this JVM sees, at least 2. */
  static final int CALLBACK_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
  private static final long IDLE_SECONDS = 60;
  /** How long shutdown waits for threads it interrupted (after the grace) before it gives up on them. */
  private static final long INTERRUPT_WAIT_MILLIS = 2_000;

  private final List<ThreadPoolExecutor> owned = new ArrayList<>(3);
  private final Executor plain;
  private final Executor sse;
  private final ThreadPoolExecutor callbacks;
  private final Counted given; // null unless an executor was given

  /** The pools of the server whose thread names start with {@code name}. */
  HandlerExecutors(String name, int workerThreads, int sseHandlerThreads, Optional<Executor> handlerExecutor) {
    if (handlerExecutor.isPresent()) {
      given = new Counted(handlerExecutor.get());
      plain = given;
      sse = given;
    } else {
      given = null;
      plain = pool(name + "-worker", workerThreads);
      sse = pool(name + "-sse", sseHandlerThreads);
    }
    callbacks = pool(name + "-callback", CALLBACK_THREADS);
  }

  private ThreadPoolExecutor pool(String prefix, int threads) {
    ElasticPool pool = new ElasticPool(threads, threadFactory(prefix));
    owned.add(pool);
    return pool;
  }

  /**
   * A pool that grows only when it must. A plain {@link ThreadPoolExecutor} queues a task whenever
   * its core threads are all made and adds a thread only when the queue refuses; here the queue
   * refuses while the pool is below its bound and more tasks are in hand (submitted and not yet
   * finished) than it has threads, so the pool makes one; at its bound the pool's refusal puts
   * the task in the queue after all, if there is room ({@value HandlerExecutors#QUEUE} tasks).
   * Counting tasks in hand rather than busy threads also counts a thread that has taken a task
   * but not started it yet, so a burst never queues a task behind blocked ones while the pool
   * could still grow.
   */
  private static final class ElasticPool extends ThreadPoolExecutor {
    private final AtomicInteger inHand = new AtomicInteger();

    ElasticPool(int threads, ThreadFactory factory) {
      super(0, threads, IDLE_SECONDS, TimeUnit.SECONDS, new ElasticQueue(), factory, ElasticPool::backlog);
      ((ElasticQueue) getQueue()).pool = this;
    }

    @Override
    public void execute(Runnable task) {
      inHand.incrementAndGet();
      try {
        super.execute(task);
      } catch (RuntimeException e) {
        inHand.decrementAndGet();
        throw e;
      }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
      inHand.decrementAndGet();
    }

    /** The pool could not make a thread (it is at its bound): wait in the queue if there is room. */
    private static void backlog(Runnable task, ThreadPoolExecutor full) {
      if (full.isShutdown() || !((ElasticQueue) full.getQueue()).enqueue(task)) {
        throw new RejectedExecutionException("all " + full.getMaximumPoolSize() + " threads busy and "
            + QUEUE + " tasks waiting");
      }
    }
  }

  /** The queue of an {@link ElasticPool}: refuses a task while the pool should make a thread for it. */
  private static final class ElasticQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;
    transient ElasticPool pool; // set once, right after the pool is made

    ElasticQueue() {
      super(QUEUE);
    }

    @Override
    public boolean offer(Runnable task) {
      ElasticPool p = pool;
      int threads = p.getPoolSize();
      if (threads < p.getMaximumPoolSize() && p.inHand.get() > threads) {
        return false; // more tasks in hand than threads: make one
      }
      return super.offer(task);
    }

    /** Queues {@code task} if there is room, whatever the pool's size. */
    boolean enqueue(Runnable task) {
      return super.offer(task);
    }
  }

  private static ThreadFactory threadFactory(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, prefix + "-" + count.incrementAndGet());
      t.setDaemon(false);
      return t;
    };
  }

  /** Hands a plain handler's task to its executor; false (and the task not run) if refused. */
  boolean tryPlain(Runnable task) {
    return tryOn(plain, task);
  }

  /** Hands an SSE handler's task to its executor; false (and the task not run) if refused. */
  boolean trySse(Runnable task) {
    return tryOn(sse, task);
  }

  private static boolean tryOn(Executor executor, Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Tests: the SSE handlers waiting for one of the server's SSE handler threads (0 with a given executor). */
  int sseWaiting() {
    return sse instanceof ThreadPoolExecutor pool ? pool.getQueue().size() : 0;
  }

  /** A new lane running one stream's callbacks in order on the callback threads. */
  SerialLane callbackLane() {
    return new SerialLane(callbacks);
  }

  /**
   * Lets what is running and queued finish for {@code grace}, then interrupts the threads the
   * server owns and waits {@value #INTERRUPT_WAIT_MILLIS} ms more for them. Handlers on a given
   * executor get the same grace but are never interrupted, and that executor is not shut down.
   */
  void shutdown(Duration grace) {
    owned.forEach(ThreadPoolExecutor::shutdown);
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      boolean ended = true;
      for (ThreadPoolExecutor pool : owned) {
        ended &= pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      }
      if (given != null) {
        ended &= given.awaitIdle(deadline);
      }
      if (ended) {
        return;
      }
      owned.forEach(ThreadPoolExecutor::shutdownNow); // interrupts what still runs after the grace
      long again = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERRUPT_WAIT_MILLIS);
      boolean stopped = true;
      for (ThreadPoolExecutor pool : owned) {
        stopped &= pool.awaitTermination(again - System.nanoTime(), TimeUnit.NANOSECONDS);
      }
      if (!stopped) {
        log.warn("Some handler threads did not stop within {} of an interrupt after the shutdown grace of {}",
            Duration.ofMillis(INTERRUPT_WAIT_MILLIS), grace);
      }
      int running = given == null ? 0 : given.running();
      if (running > 0) {
        log.warn("{} handler(s) still running on the executor given to handlerExecutor(...) after the shutdown"
            + " grace of {}; not interrupted: the server does not own those threads", running, grace);
      }
    } catch (InterruptedException e) {
      owned.forEach(ThreadPoolExecutor::shutdownNow);
      Thread.currentThread().interrupt();
    }
  }

  /** The executor a user gave, counting the handlers it holds so that shutdown can wait for them. */
  private static final class Counted implements Executor {
    private final Executor delegate;
    private int running; // guarded by this

    Counted(Executor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
      synchronized (this) {
        running++;
      }
      try {
        delegate.execute(() -> {
          try {
            task.run();
          } finally {
            done();
          }
        });
      } catch (RuntimeException e) {
        done();
        if (e instanceof RejectedExecutionException) {
          throw e;
        }
        // an executor that fails otherwise refuses the task all the same
        log.error("The executor given to handlerExecutor(...) failed to take a handler; answering 503", e);
        throw new RejectedExecutionException("handlerExecutor failed to take a handler", e);
      }
    }

    private synchronized void done() {
      if (--running == 0) {
        notifyAll();
      }
    }

    synchronized int running() {
      return running;
    }

    /** Waits until no handler runs or {@code deadline} ({@link System#nanoTime()}) passes; true if none runs. */
    synchronized boolean awaitIdle(long deadline) throws InterruptedException {
      long left;
      while (running > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return running == 0;
    }
  }
}
