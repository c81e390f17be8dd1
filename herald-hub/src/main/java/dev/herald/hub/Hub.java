package dev.herald.hub;

import dev.herald.server.HeraldServer;
import dev.herald.server.HttpException;
import dev.herald.server.Method;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone pub/sub hub: a {@link HeraldServer} serving {@code POST /publish},
 * {@code GET /events?topic=…} (with {@code Last-Event-ID} replay from the history store), the
 * Mercure protocol's {@code POST} and {@code GET /.well-known/mercure} over the same history,
 * {@code GET /healthz}, {@code GET /readyz} and {@code GET /metrics}. {@code GET /} serves the web
 * page, and {@code GET /hub-ui.json} what the page needs to know of the configuration (the name of
 * the token cookie). With {@link HubConfig#subscriptions()} it tracks active subscriptions
 * ({@link ActiveSubscriptions}: an event when each opens and ends) and serves Mercure's
 * subscriptions API under {@code /.well-known/mercure/subscriptions} ({@link SubscriptionsApi}).
 *
 * <pre>{@code
 * try (Hub hub = Hub.start(HubConfig.builder().port(0).build())) {
 *   System.out.println(hub.uri());
 * }
 * }</pre>
 *
 * <p>An event travels: publish → validate → {@code store.append} (ids assigned, durable) → the
 * store's listener matches it in the {@link Broker} and queues its bytes, encoded once, to each
 * matching stream → the publisher gets its ack.
 *
 * <p>{@link HubConfig#limits()} adds CORS ({@link HubLimits#cors()}, the first filter, so every
 * answer to an allowed origin carries its headers, refusals included, but the header bound's 431,
 * which the server answers before any filter), the connection limits
 * ({@link ConnectionLimiter}: event streams while open, other requests while answered), the
 * publish rate ({@link PublishRate}), the header bound (the server's, counted here) and who may
 * read {@code /metrics} ({@link HubGuards}).
 *
 * <p>Threading: thread-safe; {@link #close()} may be called from any thread, more than once.
 */
public final class Hub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /** The Mercure hub URL's path: {@code POST} publishes, {@code GET} subscribes. */
  static final String MERCURE_PATH = "/.well-known/mercure";
  static final int REPLAY_THREADS = 2; // package-private for tests that occupy them all
  private static final int REPLAY_QUEUE = 1024;
  private static final AtomicInteger HUBS = new AtomicInteger();

  private final HubConfig config;
  private final HistoryStore store;
  private final Broker broker = new Broker();
  private final HubMetrics metrics = new HubMetrics(broker::size);
  private final Admission admission = new Admission();
  private final ThreadPoolExecutor replays;
  private final FanOut fanOut;
  private final HeraldServer server;
  private final Authenticator auth;
  private final ConnectionLimiter connections;
  private final TokenExpiry expiry;
  private final ActiveSubscriptions active;
  private boolean stopped; // guarded by this

  private Hub(HubConfig config, HistoryStore store, int maxPending, Authenticator auth, TokenExpiry.Timer timer,
      Clock clock) {
    this.config = config;
    this.auth = auth;
    this.store = store;
    AtomicInteger threads = new AtomicInteger();
    String hubName = "herald-hub-" + HUBS.incrementAndGet();
    String name = hubName + "-replay-";
    // the daemon timer starts its thread only when a first token expiry is scheduled
    this.expiry = new TokenExpiry(clock, timer != null ? timer : TokenExpiry.daemonTimer(hubName + "-token-expiry"),
        metrics::tokenExpired);
    this.replays = new ThreadPoolExecutor(REPLAY_THREADS, REPLAY_THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(REPLAY_QUEUE), r -> {
          Thread t = new Thread(r, name + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    replays.allowCoreThreadTimeOut(true);
    this.fanOut = new FanOut(hubName + "-fanout", this::fanOut, this::gap);
    store.onAppended(fanOut);
    store.onGap(fanOut::gap);
    // CORS and limits: CORS first, so refusals by the limits carry its headers too
    HubLimits limits = config.limits();
    this.connections = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerAddress(), metrics);
    HubGuards guards = new HubGuards(limits, connections);
    PublishRate publishRate = new PublishRate(limits.publishRate(), limits.publishBurst(), limits.nanoTime(), metrics);
    this.active = config.subscriptions() ? new ActiveSubscriptions(store) : ActiveSubscriptions.disabled();
    Routing.Builder routes = Routing.builder();
    limits.cors().ifPresent(routes::filter);
    routes.filter(guards.connectionFilter());
    // --subscriptions: Mercure's subscriptions API; without it the same paths answer 404 saying why
    SubscriptionsApi api = new SubscriptionsApi(active, store, auth);
    routes.get(ActiveSubscriptions.PREFIX, api::all)
        .get(ActiveSubscriptions.PREFIX + "/{topic}", api::ofTopic)
        .get(ActiveSubscriptions.PREFIX + "/{topic}/{subscriber}", api::one);
    Routing routing = routes
        .routeAsync(Method.POST, "/publish", new PublishHandler(config, store, metrics, admission, auth, publishRate))
        .sse("/events", new SubscribeHandler(config, store, broker, metrics, admission, replays, maxPending, auth,
            connections, expiry, false, active))
        // Mercure's one URL for both (draft-dunglas-mercure): the same store, broker, tokens and limits
        .routeAsync(Method.POST, MERCURE_PATH, new PublishHandler(config, store, metrics, admission, auth, publishRate,
            true))
        .sse(MERCURE_PATH, new SubscribeHandler(config, store, broker, metrics, admission, replays, maxPending, auth,
            connections, expiry, true, active))
        .get("/healthz", req -> Response.json(Map.of("status", "ok")))
        .get("/readyz", req -> ready())
        .get("/metrics", req -> guards.metricsRefusal(req).orElseGet(() -> Response.builder().status(200)
            .body(metrics.scrape().getBytes(StandardCharsets.UTF_8), HubMetrics.CONTENT_TYPE).build()))
        // what the web page needs to know: the cookie its token goes in for EventSource
        .get("/hub-ui.json", req -> Response.json(Map.of("cookieName", config.auth().cookieName())))
        .classpathFiles("/", "hub-ui")
        .build();
    this.server = HeraldServer.builder()
        .host(config.host())
        .port(config.port())
        .routing(routing)
        .heartbeatInterval(config.heartbeat())
        .maxBufferedBytes(config.maxBufferedBytes())
        .maxRequestBytes(config.maxBodyBytes())
        .maxHeaderBytes(limits.maxHeaderBytes())
        .onRefused(status -> {
          if (status == 431) {
            metrics.refused("max-header-bytes");
          }
        })
        .build();
  }

  /**
   * Opens the history store named by {@code config} (SQLite in {@code dataDir}, memory, or a
   * store from a {@link HistoryStoreProvider} on the class path, such as Redis), starts serving
   * and returns the running hub. Throws {@link StoreUnavailableException} if the store cannot be
   * opened, and an unchecked exception if the address cannot be bound (the store is then closed
   * again). Who may publish and subscribe
   * follows {@link HubConfig#auth()} ({@code env:NAME} keys read from the process environment);
   * a configuration that the start-up rules refuse (an unusable key, a non-loopback host without
   * a publisher key, …) throws {@link IllegalArgumentException} listing every problem.
   */
  public static Hub start(HubConfig config) {
    Objects.requireNonNull(config, "config == null");
    return start(config, AuthSetup.of(config, System.getenv()), Clock.systemUTC(), null);
  }

  /**
   * Like {@link #start(HubConfig)} with the authorization set-up {@code setup} (made from
   * {@code config}) and one {@code clock} for everything about token time: the JWT verifiers
   * ({@code exp}, {@code nbf}) and the closing of streams at their token's expiry, which waits
   * with {@code timer} (null: the hub's own daemon timer). Tests pass a clock and a timer they
   * move by hand; {@link HubMain} the system clock.
   */
  static Hub start(HubConfig config, AuthSetup setup, Clock clock, TokenExpiry.Timer timer) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(setup, "setup == null");
    Objects.requireNonNull(clock, "clock == null");
    Authenticator auth = setup.authenticator(clock); // throws listing the problems before a store is opened
    return start(config, openStore(config, System.getenv()), Subscription.DEFAULT_MAX_PENDING, auth, timer, clock);
  }

  /**
   * Opens the store named by {@code config} and starts a hub deciding access with {@code auth};
   * token expiry goes by the system clock, whatever clock {@code auth} checks tokens with (to
   * share one, use {@link #start(HubConfig, AuthSetup, Clock, TokenExpiry.Timer)}).
   */
  static Hub start(HubConfig config, Authenticator auth) {
    Objects.requireNonNull(auth, "auth == null");
    return start(config, openStore(config, System.getenv()), Subscription.DEFAULT_MAX_PENDING, auth);
  }

  /** Starts a hub over {@code store}, which it owns from now on (and closes in {@link #close()}). */
  static Hub start(HubConfig config, HistoryStore store) {
    return start(config, store, Subscription.DEFAULT_MAX_PENDING);
  }

  /** Like {@link #start(HubConfig, HistoryStore)} with a given bound on events buffered during replay (tests). */
  static Hub start(HubConfig config, HistoryStore store, int maxPending) {
    return start(config, store, maxPending, Authenticator.open());
  }

  /** Like {@link #start(HubConfig, HistoryStore, int)} deciding access with {@code auth}. */
  static Hub start(HubConfig config, HistoryStore store, int maxPending, Authenticator auth) {
    return start(config, store, maxPending, auth, null, Clock.systemUTC());
  }

  /**
   * Like {@link #start(HubConfig, HistoryStore, int, Authenticator)}, measuring token expiry by
   * {@code clock} and waiting for it with {@code timer} (tests move both by hand); a null
   * {@code timer} is the hub's own daemon timer.
   */
  static Hub start(HubConfig config, HistoryStore store, int maxPending, Authenticator auth, TokenExpiry.Timer timer,
      Clock clock) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(store, "store == null");
    Objects.requireNonNull(auth, "auth == null");
    Objects.requireNonNull(clock, "clock == null");
    Hub hub = null;
    try {
      hub = new Hub(config, store, maxPending, auth, timer, clock);
      hub.server.start();
    } catch (RuntimeException e) {
      if (hub != null) {
        hub.fanOut.stop(Duration.ofSeconds(1));
        hub.expiry.close();
      }
      store.close();
      throw e;
    }
    log.info("Herald hub listening on {} (store {}{}, last id {})", hub.uri(), config.store(),
        config.store() == StoreKind.SQLITE ? " in " + config.dataDir().toAbsolutePath()
            : config.store() == StoreKind.REDIS ? " at " + config.redactedRedisUrl() : "", store.lastId());
    store.durability().ifPresent(d -> log.info("History store durability: {}", d));
    return hub;
  }

  /** The store {@code config} names; one not built in comes from a {@link HistoryStoreProvider}. */
  static HistoryStore openStore(HubConfig config, Map<String, String> environment) {
    switch (config.store()) {
      case MEMORY:
        return new MemoryHistoryStore(config.storeLimits());
      case SQLITE:
        return SqliteHistoryStore.open(config.dataDir(), config.storeLimits());
      default:
        return provided(config.store().name().toLowerCase(java.util.Locale.ROOT)).open(config, environment);
    }
  }

  private static HistoryStoreProvider provided(String name) {
    for (HistoryStoreProvider p : java.util.ServiceLoader.load(HistoryStoreProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new StoreUnavailableException("--store " + name + " needs the herald-" + name + " module on the class path"
        + " (the jar ./herald serve runs has it; herald-hub.jar alone does not)");
  }

  /** Fan-out thread: hands each event of a durable batch to the matching subscriptions. */
  private void fanOut(List<StoredEvent> batch) {
    for (StoredEvent event : batch) {
      for (Subscription sub : broker.match(event.topics())) {
        try {
          sub.deliver(event);
        } catch (RuntimeException e) {
          log.warn("Delivering event {} to {} failed", event.id(), sub, e);
        }
      }
    }
  }

  /**
   * Fan-out thread: the store will never deliver events up to {@code trimmedThrough} this node
   * had not delivered (it fell behind a shared stream's retention); every subscription that had
   * not got that far is told with {@code herald-gap} ({@link Subscription#missed}).
   */
  private void gap(long trimmedThrough) {
    int told = 0;
    Optional<String> oldest = Replay.oldestAvailable(store);
    for (Subscription sub : broker.snapshot()) {
      try {
        if (sub.missed(trimmedThrough, lastEventId -> Replay.gapEvent(lastEventId, "trimmed", oldest))) {
          metrics.gap();
          told++;
        }
      } catch (RuntimeException e) {
        log.warn("Telling {} of a gap failed", sub, e);
      }
    }
    log.warn("This node fell behind the history's retention: events through position {} were removed before it "
        + "delivered them; {} live subscribers were sent herald-gap", trimmedThrough, told);
  }

  /** {@code /readyz}: 200 only while a publish can be accepted and stored (the store's own check). */
  private Response ready() {
    if (!admission.isOpen()) {
      throw new HttpException(503, "the hub is shutting down");
    }
    Optional<String> problem = store.checkReady();
    if (problem.isPresent()) {
      throw new HttpException(503, problem.get());
    }
    return Response.json(Map.of("status", "ready"));
  }

  /** {@code http://host:port/}. */
  public URI uri() {
    return server.uri();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  /** The configuration this hub runs with. */
  public HubConfig config() {
    return config;
  }

  HistoryStore store() {
    return store;
  }

  HubMetrics metrics() {
    return metrics;
  }

  Broker broker() {
    return broker;
  }

  ConnectionLimiter connections() {
    return connections;
  }

  ActiveSubscriptions activeSubscriptions() {
    return active;
  }

  /**
   * Drains and stops: refuses new publishes and subscriptions (503), waits (up to 10 s) for the
   * publishes already admitted to become durable and be acknowledged, sends every subscriber
   * the {@code retry:} hint, closes the streams ({@code SHUTDOWN}), stops the server and closes
   * the store. The one way to stop a hub (try-with-resources calls it; {@link #stop()} is an old
   * name for it). Idempotent; a second call returns once the first has finished.
   */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (!admission.closeAndAwait(DRAIN_TIMEOUT)) {
      log.warn("Some publishes did not finish within {}; stopping anyway", DRAIN_TIMEOUT);
    }
    replays.shutdownNow();
    expiry.close();
    fanOut.stop(Duration.ofSeconds(5));
    for (Subscription sub : broker.snapshot()) {
      sub.stream().retry(config.retry());
    }
    active.endAll(Duration.ofSeconds(2)); // --subscriptions: one batch of "active":false events, into history
    server.close();
    try {
      replays.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      store.close();
    } catch (RuntimeException e) {
      log.warn("Closing the history store failed", e);
    }
    metrics.close();
    log.info("Herald hub on port {} stopped", port());
  }

  /**
   * The old name of {@link #close()}, which does exactly the same.
   *
   * @deprecated use {@link #close()} (or try-with-resources)
   */
  @Deprecated
  public void stop() {
    close();
  }

  @Override
  public String toString() {
    return "Hub{" + uri() + ", store " + config.store() + "}";
  }
}
