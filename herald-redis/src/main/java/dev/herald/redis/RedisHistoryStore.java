package dev.herald.redis;

import dev.herald.hub.AppendResult;
import dev.herald.hub.DuplicateIdException;
import dev.herald.hub.HistoryStore;
import dev.herald.hub.HubConfig;
import dev.herald.hub.NewEvent;
import dev.herald.hub.StoreUnavailableException;
import dev.herald.hub.StoredEvent;
import dev.herald.hub.TopicSelector;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HistoryStore} on one Redis stream that several hubs share, so a client can resume on
 * any of them. Each event is one stream entry, appended with {@code XADD} (trimmed with
 * {@code MAXLEN ~} and, by {@link #enforceRetention}, exactly by count and by age with
 * {@code MINID}); the entry id {@code <ms>-<seq>} is the id clients see and its position is
 * {@code ms << 20 | seq}. Every node tails the stream ({@code XREAD BLOCK}, its own connection)
 * and hands every node's appends to its listener in stream order; an append completes only after
 * this node's listener has seen it. Replay is {@code XRANGE} after the position. Idempotency keys
 * and publisher-chosen ids live in Redis, so a retried publish is deduplicated whichever node it
 * reaches. All of it in a Lua script, atomic per batch.
 *
 * <p>Durability: an append is acknowledged once Redis has executed it. With {@code appendonly
 * yes} and {@code appendfsync always} it survives a Redis crash; with Redis's defaults it
 * survives a hub crash but a Redis crash may lose the last second or more ({@link #durability()}
 * says which, and the hub logs it at start-up). An append that fails or is not confirmed within
 * the timeout completes with {@link StoreUnavailableException}. Thread-safe.
 */
public final class RedisHistoryStore implements HistoryStore {
  /** Default timeout of a Redis command and of an append's confirmation: 5 s. */
  public static final Duration DEFAULT_TIMEOUT = HubConfig.DEFAULT_REDIS_TIMEOUT;
  /** Default prefix of the store's keys ({@code herald:stream}, …). */
  public static final String DEFAULT_PREFIX = "herald";

  private static final Logger log = LoggerFactory.getLogger(RedisHistoryStore.class);
  private static final long BLOCK_MILLIS = 1_000;
  private static final long MAX_ID_TTL_MILLIS = Duration.ofDays(3650).toMillis();
  /** A publisher id's key outlives max age by this: its event stays until retention runs (harmless after). */
  private static final long ID_TTL_SLACK_MILLIS = Duration.ofDays(1).toMillis();

  private final String where;
  private final Limits limits;
  private final Clock clock;
  private final Duration timeout;
  private final RedisAppendScript.Keys keys;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisTail tail;
  private final RedisReads reads;
  private final RedisSeen seen;
  private final ScheduledExecutorService retention;
  private volatile boolean closed;

  private RedisHistoryStore(Builder b, RedisURI uri) {
    uri.setTimeout(b.timeout); // also bounds the connection handshake (Lettuce's default is 60 s)
    this.where = display(uri);
    this.limits = b.limits;
    this.clock = b.clock;
    this.timeout = b.timeout;
    this.keys = new RedisAppendScript.Keys(b.prefix);
    // reconnect soon after Redis is back (Lettuce's default backs off to 30 s)
    this.resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS)).build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
        .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
    StatefulRedisConnection<String, String> c = null;
    StatefulRedisConnection<String, String> t = null;
    try {
      c = client.connect();
      c.setTimeout(timeout);
      t = client.connect();
      t.setTimeout(timeout.plusMillis(BLOCK_MILLIS));
      c.sync().ping();
      this.connection = c;
      this.reads = new RedisReads(c, keys, where);
      long start = reads.lastId();
      this.tail = new RedisTail(t, keys.stream(), keys.trimmed(), start, BLOCK_MILLIS);
      this.seen = new RedisSeen(1 << 16, start);
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      }
      if (t != null) {
        t.close();
      }
      client.shutdown();
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new StoreUnavailableException("cannot connect to Redis at " + where + ": " + connectFailure(e), e);
    }
    tail.listener(seen::add);
    tail.start();
    retention = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread th = new Thread(r, "herald-redis-retention");
      th.setDaemon(true);
      return th;
    });
    retention.scheduleWithFixedDelay(this::backgroundRetention, 10, 10, TimeUnit.SECONDS);
  }

  /**
   * A builder for a store on the Redis at {@code url}: {@code redis://[[user:]password@]host[:port][/db]}
   * or {@code rediss://…} (TLS).
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** Where the store is, for logs and messages: scheme, host, port and database, never a password. */
  public String where() {
    return where;
  }

  private static String display(RedisURI uri) {
    return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
  }

  @Override
  public CompletableFuture<AppendResult> append(List<NewEvent> batch, Optional<String> idempotencyKey, String requestHash) {
    Objects.requireNonNull(batch, "batch == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    Objects.requireNonNull(requestHash, "requestHash == null");
    if (closed) {
      return CompletableFuture.failedFuture(new StoreUnavailableException("the Redis history store is closed"));
    }
    String problem = RedisAppendScript.problem(batch);
    if (!problem.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
    }
    Optional<String> twice = RedisAppendScript.twice(batch);
    if (twice.isPresent()) {
      return CompletableFuture.failedFuture(new DuplicateIdException(twice.get()));
    }
    long now = clock.millis();
    String[] k = RedisAppendScript.keys(keys, batch, idempotencyKey);
    // both PX values within what Redis takes (it refuses 0 and now + PX past a long, after the XADDs ran)
    String[] a = RedisAppendScript.args(now, Math.min(millis(limits.idempotencyWindow()), MAX_ID_TTL_MILLIS),
        limits.maxEvents(), Math.min(millis(limits.maxAge()), MAX_ID_TTL_MILLIS) + ID_TTL_SLACK_MILLIS, requestHash,
        idempotencyKey.isPresent(), tail.delivered(), batch);
    CompletableFuture<AppendResult> result = new CompletableFuture<>();
    CompletableFuture<List<Object>> call;
    try {
      call = connection.async().<List<Object>>eval(RedisAppendScript.LUA, ScriptOutputType.MULTI, k, a).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(unavailable("append", e));
    }
    long limitMillis = timeout.toMillis() * 2;
    call.thenCompose(reply -> answer(batch, reply, requestHash)).orTimeout(limitMillis, TimeUnit.MILLISECONDS)
        .whenComplete((r, error) -> {
          if (error == null) {
            result.complete(r);
            return;
          }
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause instanceof TimeoutException) {
            result.completeExceptionally(new StoreUnavailableException("the history store is unavailable: Redis at "
                + where + " did not confirm the append within " + limitMillis + " ms", null, true));
          } else {
            result.completeExceptionally(cause instanceof DuplicateIdException ? cause : RedisReads.appendFailed(where, cause));
          }
        });
    return result;
  }

  /**
   * The append's result from the script's reply, completed once this node's tail has delivered
   * the entries (so the listener saw them first); runs on Lettuce's thread, so never blocks.
   */
  private CompletableFuture<AppendResult> answer(List<NewEvent> batch, List<Object> reply, String requestHash) {
    String kind = String.valueOf(reply.get(0));
    switch (kind) {
      case "ok": {
        List<StoredEvent> events = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          events.add(RedisEntries.stored(batch.get(i), String.valueOf(reply.get(i + 1))));
        }
        return delivered(AppendResult.of(events, requestHash));
      }
      case "taken":
        return CompletableFuture.failedFuture(new DuplicateIdException(String.valueOf(reply.get(1))));
      case "dup":
        return reads.repeat(String.valueOf(reply.get(1))).thenCompose(this::delivered);
      default:
        return CompletableFuture.failedFuture(new IllegalStateException("unexpected reply from the append script: " + reply));
    }
  }

  private CompletableFuture<AppendResult> delivered(AppendResult r) {
    CompletableFuture<AppendResult> f = new CompletableFuture<>();
    tail.whenDelivered(r.lastId(), () -> seen.firstUnseen(r.ids()).ifPresentOrElse(
        id -> f.completeExceptionally(RedisSeen.lost(where, id)), () -> f.complete(r)));
    return f;
  }

  @Override
  public List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    return reads.readAfter(afterId, selectors, limit);
  }

  /**
   * A publisher-chosen id held by a retained entry, else an entry id {@code <ms>-<seq>} as its
   * position (whether or not the entry is still kept: the hub then tells a trimmed one, or one
   * beyond the last, by the position).
   */
  @Override
  public OptionalLong positionOf(String wireId) {
    return reads.positionOf(wireId);
  }

  @Override
  public long lastId() {
    return reads.lastId();
  }

  @Override
  public long trimmedThrough() {
    return reads.trimmedThrough();
  }

  @Override
  public void onAppended(Consumer<List<StoredEvent>> listener) {
    Objects.requireNonNull(listener, "listener == null");
    tail.listener(batch -> {
      seen.add(batch);
      listener.accept(batch);
    });
  }

  /** Told when this node's tail finds entries it never read trimmed (it fell behind the stream). */
  @Override
  public void onGap(LongConsumer listener) {
    tail.gapListener(Objects.requireNonNull(listener, "listener == null"));
  }

  /**
   * Trims exactly, in one script that records the highest removed id: entries older than the
   * maximum age ({@code XTRIM MINID}; by the earlier of this node's clock and Redis's, so a node
   * whose clock runs ahead trims nothing young), then beyond the count ({@code XTRIM MAXLEN}).
   */
  @Override
  public void enforceRetention() {
    try {
      connection.sync().eval(RedisAppendScript.RETENTION, ScriptOutputType.INTEGER,
          new String[] {keys.stream(), keys.trimmed()}, Long.toString(clock.millis()),
          Long.toString(millis(limits.maxAge())), Long.toString(limits.maxEvents()));
    } catch (RuntimeException e) {
      throw unavailable("trim", e);
    }
  }

  private void backgroundRetention() {
    try {
      enforceRetention();
    } catch (RuntimeException e) {
      log.debug("Background retention on Redis failed: {}", e.toString());
    }
  }

  @Override
  public boolean isReady() {
    return checkReady().isEmpty();
  }

  /** Empty when Redis answers {@code PING} within the timeout and this node's tail is reading. */
  @Override
  public Optional<String> checkReady() {
    if (closed) {
      return Optional.of("the Redis history store is closed");
    }
    try {
      connection.async().ping().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while checking Redis at " + where);
    } catch (Exception e) {
      return Optional.of("the history store is unavailable: Redis at " + where + " did not answer PING within "
          + timeout.toMillis() + " ms (" + RedisReads.rootMessage(e) + ")");
    }
    if (!tail.healthy()) {
      return Optional.of("the history store is unavailable: this node cannot read the Redis stream at " + where);
    }
    return Optional.empty();
  }

  /**
   * Redis's persistence setting and what an acknowledged publish survives with it, from
   * {@code CONFIG GET appendonly} and {@code appendfsync}.
   */
  @Override
  public Optional<String> durability() {
    return reads.durability();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    retention.shutdownNow();
    tail.close();
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "RedisHistoryStore{" + where + ", " + keys.stream() + "}";
  }

  private StoreUnavailableException unavailable(String what, Throwable e) {
    return RedisReads.unavailable(where, what, e);
  }

  private static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Why a connection failed: Lettuce's message, its root cause, and what to do about an untrusted TLS certificate. */
  static String connectFailure(Throwable e) {
    String root = RedisReads.rootMessage(e);
    String text = e.getMessage() == null || e.getMessage().equals(root) ? root : e.getMessage() + " (" + root + ")";
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return text + "; for rediss:// the JVM must trust Redis's certificate, e.g. "
            + "JAVA_OPTS='-Djavax.net.ssl.trustStore=/path/truststore.p12 -Djavax.net.ssl.trustStorePassword=…'";
      }
    }
    return text;
  }

  /** Builds a {@link RedisHistoryStore}; {@link #build()} connects. */
  public static final class Builder {
    private final String url;
    private Limits limits = Limits.of(HubConfig.DEFAULT_RETENTION_EVENTS, HubConfig.DEFAULT_RETENTION_AGE,
        HubConfig.DEFAULT_IDEMPOTENCY_WINDOW);
    private Clock clock = Clock.systemUTC();
    private Duration timeout = DEFAULT_TIMEOUT;
    private String prefix = DEFAULT_PREFIX;
    private Optional<String> password = Optional.empty();

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "url == null");
    }

    /** Retention and idempotency limits (default: the hub's, {@link HubConfig#DEFAULT_RETENTION_EVENTS} events, 7 days, 5 minutes). */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /** The clock retention, idempotency windows and new entry ids go by (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How long a Redis command may take before it fails ({@link #DEFAULT_TIMEOUT}); positive. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The prefix of the store's keys (default {@value #DEFAULT_PREFIX}): hubs sharing a history use the same. */
    public Builder keyPrefix(String prefix) {
      if (prefix.isEmpty() || prefix.chars().anyMatch(c -> c <= ' ')) {
        throw new IllegalArgumentException("the key prefix must be non-empty without spaces: '" + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /** The password, when the URL has none (e.g. from {@code HERALD_REDIS_PASSWORD}). */
    public Builder password(Optional<String> password) {
      this.password = Objects.requireNonNull(password, "password == null");
      return this;
    }

    /**
     * Connects and returns the store; throws {@link IllegalArgumentException} for a bad URL and
     * {@link StoreUnavailableException} when Redis cannot be reached (neither message holds a password).
     */
    public RedisHistoryStore build() {
      return new RedisHistoryStore(this, uri());
    }

    private RedisURI uri() {
      if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
        throw new IllegalArgumentException("the Redis URL must start with redis:// or rediss://");
      }
      RedisURI uri;
      try {
        uri = RedisURI.create(url);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("the Redis URL is not valid (redis://[password@]host[:port][/db])");
      }
      boolean hasPassword = uri.getCredentialsProvider() != null
          && uri.getCredentialsProvider().resolveCredentials().blockOptional().map(c -> c.hasPassword()).orElse(false);
      if (!hasPassword && password.isPresent()) {
        uri.setCredentialsProvider(new io.lettuce.core.StaticCredentialsProvider(null, password.get().toCharArray()));
      }
      return uri;
    }
  }
}
