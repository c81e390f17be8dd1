package dev.herald.redis;

import dev.herald.hub.AppendResult;
import dev.herald.hub.DuplicateIdException;
import dev.herald.hub.HistoryStore;
import dev.herald.hub.NewEvent;
import dev.herald.hub.StoreUnavailableException;
import dev.herald.hub.StoredEvent;
import dev.herald.hub.TopicSelector;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** Default prefix of the store's keys ({@code herald:stream}, …). */
  public static final String DEFAULT_PREFIX = "herald";

  private static final Logger log = LoggerFactory.getLogger(RedisHistoryStore.class);
  private static final long BLOCK_MILLIS = 1_000;
  private static final long MAX_ID_TTL_MILLIS = Duration.ofDays(3650).toMillis();
  private static final int READ_PAGE = 500;

  private final String where;
  private final Limits limits;
  private final Clock clock;
  private final Duration timeout;
  private final RedisAppendScript.Keys keys;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisTail tail;
  private final ScheduledExecutorService retention;
  private volatile boolean closed;

  private RedisHistoryStore(Builder b, RedisURI uri) {
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
      this.tail = new RedisTail(t, keys.stream(), info(c.sync()).last, BLOCK_MILLIS);
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      }
      if (t != null) {
        t.close();
      }
      client.shutdown();
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new StoreUnavailableException("cannot connect to Redis at " + where + ": " + e.getMessage(), e);
    }
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
    String problem = batchProblem(batch);
    if (!problem.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
    }
    Optional<String> twice = twice(batch);
    if (twice.isPresent()) {
      return CompletableFuture.failedFuture(new DuplicateIdException(twice.get()));
    }
    long now = clock.millis();
    String[] k = RedisAppendScript.keys(keys, batch, idempotencyKey);
    String[] a = RedisAppendScript.args(now, millis(limits.idempotencyWindow()), limits.maxEvents(),
        Math.min(millis(limits.maxAge()), MAX_ID_TTL_MILLIS), requestHash, idempotencyKey.isPresent(), batch);
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
                + where + " did not confirm the append within " + limitMillis + " ms; it may or may not be stored"));
          } else {
            result.completeExceptionally(cause instanceof DuplicateIdException ? cause : unavailable("append", cause));
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
        return repeat(String.valueOf(reply.get(1))).thenCompose(this::delivered);
      default:
        return CompletableFuture.failedFuture(new IllegalStateException("unexpected reply from the append script: " + reply));
    }
  }

  private CompletableFuture<AppendResult> delivered(AppendResult r) {
    CompletableFuture<AppendResult> f = new CompletableFuture<>();
    tail.whenDelivered(r.lastId(), () -> f.complete(r));
    return f;
  }

  /** The result of a repeated key: the first append's ids, and those of its entries still kept. */
  @SuppressWarnings("unchecked")
  private CompletableFuture<AppendResult> repeat(String record) {
    Map<String, Object> rec = RedisEntries.object(record);
    List<String> entryIds = (List<String>) rec.get("ids");
    List<String> wireIds = (List<String>) rec.get("w");
    List<Long> positions = new ArrayList<>();
    entryIds.forEach(id -> positions.add(RedisIds.positionOf(id)));
    Set<String> wanted = new HashSet<>(entryIds);
    String hash = String.valueOf(rec.getOrDefault("h", ""));
    return connection.async().xrange(keys.stream(), Range.create(entryIds.get(0), entryIds.get(entryIds.size() - 1)))
        .toCompletableFuture().thenApply(messages -> {
          List<StoredEvent> retained = new ArrayList<>();
          for (StreamMessage<String, String> m : messages) {
            if (wanted.contains(m.getId())) {
              retained.add(RedisEntries.read(m.getId(), m.getBody()));
            }
          }
          return AppendResult.repeat(positions, wireIds, retained, hash);
        });
  }

  @Override
  public List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    List<StoredEvent> out = new ArrayList<>();
    if (selectors.isEmpty() || limit <= 0) {
      return out;
    }
    long cursor = Math.max(afterId, 0);
    RedisCommands<String, String> sync = connection.sync();
    try {
      while (out.size() < limit) {
        int page = Math.max(READ_PAGE, limit - out.size());
        List<StreamMessage<String, String>> messages = sync.xrange(keys.stream(),
            Range.create(RedisIds.id(cursor + 1), "+"), Limit.from(page));
        for (StreamMessage<String, String> m : messages) {
          StoredEvent e = RedisEntries.read(m.getId(), m.getBody());
          cursor = e.id();
          if (e.matchesAny(selectors)) {
            out.add(e);
            if (out.size() == limit) {
              break;
            }
          }
        }
        if (messages.size() < page) {
          break;
        }
      }
    } catch (RuntimeException e) {
      throw unavailable("read", e);
    }
    return out;
  }

  /**
   * A publisher-chosen id held by a retained entry, else an entry id {@code <ms>-<seq>} as its
   * position (whether or not the entry is still kept: the hub then tells a trimmed one, or one
   * beyond the last, by the position).
   */
  @Override
  public OptionalLong positionOf(String wireId) {
    try {
      RedisCommands<String, String> sync = connection.sync();
      String held = sync.get(keys.customId(wireId));
      if (held != null) {
        long p = RedisIds.positionOf(held);
        if (p > info(sync).trimmed) {
          return OptionalLong.of(p);
        }
      }
    } catch (RuntimeException e) {
      throw unavailable("look-up", e);
    }
    return RedisIds.position(wireId);
  }

  @Override
  public long lastId() {
    try {
      return info(connection.sync()).last;
    } catch (RuntimeException e) {
      throw unavailable("read", e);
    }
  }

  @Override
  public long trimmedThrough() {
    try {
      String top = connection.sync().get(keys.trimmed());
      return top == null ? 0 : RedisIds.position(top).orElse(0);
    } catch (RuntimeException e) {
      throw unavailable("read", e);
    }
  }

  /** The stream's last generated and highest deleted entry, as positions (0 for none or no stream). */
  private Info info(RedisCommands<String, String> sync) {
    String top = sync.get(keys.trimmed());
    long trimmed = top == null ? 0 : RedisIds.position(top).orElse(0);
    if (sync.exists(keys.stream()) == 0) {
      return new Info(0, trimmed);
    }
    List<Object> raw = sync.xinfoStream(keys.stream());
    long last = 0;
    for (int i = 0; i + 1 < raw.size(); i += 2) {
      if (String.valueOf(raw.get(i)).equals("last-generated-id")) {
        last = RedisIds.position(String.valueOf(raw.get(i + 1))).orElse(0);
      }
    }
    return new Info(last, trimmed);
  }

  private static final class Info {
    final long last;
    final long trimmed;

    Info(long last, long trimmed) {
      this.last = last;
      this.trimmed = trimmed;
    }
  }

  @Override
  public void onAppended(Consumer<List<StoredEvent>> listener) {
    tail.listener(Objects.requireNonNull(listener, "listener == null"));
  }

  /**
   * Trims exactly, in one script that records the highest removed id: entries older than the
   * maximum age ({@code XTRIM MINID}), then beyond the count ({@code XTRIM MAXLEN}).
   */
  @Override
  public void enforceRetention() {
    long cutoff = clock.millis() - millis(limits.maxAge());
    try {
      connection.sync().eval(RedisAppendScript.RETENTION, ScriptOutputType.INTEGER,
          new String[] {keys.stream(), keys.trimmed()}, cutoff > 0 ? cutoff + "-0" : "", Long.toString(limits.maxEvents()));
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
          + timeout.toMillis() + " ms (" + rootMessage(e) + ")");
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
    try {
      Map<String, String> c = connection.sync().configGet("appendonly", "appendfsync");
      String aof = c.getOrDefault("appendonly", "?");
      String fsync = c.getOrDefault("appendfsync", "?");
      String means;
      if (aof.equals("yes") && fsync.equals("always")) {
        means = "an acknowledged publish survives a Redis crash";
      } else if (aof.equals("yes")) {
        means = "an acknowledged publish survives a hub crash; a Redis crash may lose about the last second";
      } else {
        means = "an acknowledged publish survives a hub crash but not a Redis crash or restart (no AOF)";
      }
      return Optional.of("Redis " + where + " appendonly=" + aof + " appendfsync=" + fsync + ": " + means);
    } catch (RuntimeException e) {
      return Optional.of("Redis " + where + " persistence unknown (CONFIG GET refused: " + rootMessage(e) + ")");
    }
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
    if (e instanceof StoreUnavailableException) {
      return (StoreUnavailableException) e;
    }
    return new StoreUnavailableException("the history store is unavailable: Redis " + what + " at " + where
        + " failed: " + rootMessage(e), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  private static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Why the batch cannot be stored (as the other stores say it), or "". */
  private static String batchProblem(List<NewEvent> batch) {
    if (batch.isEmpty()) {
      return "empty batch";
    }
    for (int i = 0; i < batch.size(); i++) {
      NewEvent e = Objects.requireNonNull(batch.get(i), "batch element == null");
      if (new HashSet<>(e.topics()).size() != e.topics().size()) {
        return "event " + i + " of the batch lists a topic twice";
      }
      if (e.retry().filter(Duration::isNegative).isPresent()) {
        return "event " + i + " of the batch has a negative retry";
      }
    }
    return "";
  }

  private static Optional<String> twice(List<NewEvent> batch) {
    Set<String> seen = new HashSet<>();
    for (NewEvent e : batch) {
      if (e.customId().isPresent() && !seen.add(e.customId().get())) {
        return e.customId();
      }
    }
    return Optional.empty();
  }

  /** Builds a {@link RedisHistoryStore}; {@link #build()} connects. */
  public static final class Builder {
    private final String url;
    private Limits limits = Limits.of(1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
    private Clock clock = Clock.systemUTC();
    private Duration timeout = DEFAULT_TIMEOUT;
    private String prefix = DEFAULT_PREFIX;
    private Optional<String> password = Optional.empty();

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "url == null");
    }

    /** Retention and idempotency limits (default: a million events, 7 days, 5 minutes). */
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
