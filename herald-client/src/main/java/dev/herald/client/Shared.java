package dev.herald.client;

import java.net.http.HttpClient;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What all sources share: one timer thread for timeouts and reconnect delays, one pool of daemon
 * threads for callbacks (idle threads end after {@link #IDLE_SECONDS} s), and the default
 * {@link HttpClient} built lazily on that pool. No thread is started per source.
 */
final class Shared {
  static final int IDLE_SECONDS = 2;

  static final ScheduledThreadPoolExecutor TIMER = timer();
  static final ThreadPoolExecutor EXECUTOR = executor();

  private Shared() {}

  /** The default client: redirects followed (not https to http), Herald's threads. */
  static HttpClient httpClient() {
    return ClientHolder.CLIENT;
  }

  private static final class ClientHolder {
    static final HttpClient CLIENT = HttpClient.newBuilder()
        .executor(EXECUTOR)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("herald-client-timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    return timer;
  }

  private static ThreadPoolExecutor executor() {
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemon("herald-client-"));
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
      thread.setDaemon(true);
      return thread;
    };
  }
}
