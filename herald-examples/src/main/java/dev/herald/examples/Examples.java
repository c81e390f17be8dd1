package dev.herald.examples;

import dev.herald.server.HeraldServer;
import dev.herald.server.Routing;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The examples server: one {@link HeraldServer} with every scenario's routes, the pages from the
 * classpath, and one scheduler thread shared by the timed scenarios.
 */
final class Examples implements AutoCloseable {
  private final HeraldServer server;
  private final ScheduledExecutorService scheduler;

  private Examples(HeraldServer server, ScheduledExecutorService scheduler) {
    this.server = server;
    this.scheduler = scheduler;
  }

  static Examples start(String host, int port, ExampleTimings timings) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "herald-examples-timer");
      t.setDaemon(true);
      return t;
    });
    Routing.Builder routes = Routing.builder();
    new CounterExample(scheduler, timings.counterInterval).register(routes);
    new PushExample().register(routes);
    new ChatExample().register(routes);
    new UserEventsExample().register(routes);
    new LyricsExample(scheduler, timings.lyricsInterval).register(routes);
    new CompletionExample(scheduler, timings.tokenInterval).register(routes);
    routes.classpathFiles("/", "web");
    try {
      HeraldServer server = HeraldServer.builder().host(host).port(port).routing(routes.build()).build().start();
      return new Examples(server, scheduler);
    } catch (RuntimeException e) {
      scheduler.shutdownNow();
      throw e;
    }
  }

  URI uri() {
    return server.uri();
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
