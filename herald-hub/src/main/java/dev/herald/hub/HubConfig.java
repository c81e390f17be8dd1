package dev.herald.hub;

import dev.herald.server.HeraldServer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the hub can be told at start-up. Immutable; build with {@link #builder()}, whose
 * setters check each value at once and throw {@link IllegalArgumentException} naming the option.
 * Defaults are the named constants.
 */
public final class HubConfig {
  /** Default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port. */
  public static final int DEFAULT_PORT = 8080;
  /** Default data directory, relative to the working directory. */
  public static final Path DEFAULT_DATA_DIR = Paths.get("herald-data");
  /** Default history size: the newest 100,000 events are kept. */
  public static final long DEFAULT_RETENTION_EVENTS = 100_000;
  /** Default history age: events older than 7 days are removed. */
  public static final Duration DEFAULT_RETENTION_AGE = Duration.ofDays(7);
  /** Default {@link #redisTimeout()}: 5 s. */
  public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofSeconds(5);

  /** Default heartbeat comment interval. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
  /** Default {@code retry:} hint sent on connect and on shutdown. */
  public static final Duration DEFAULT_RETRY = Duration.ofSeconds(2);
  /** Default per-stream outbound bound before a slow consumer is closed. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;
  /** Default maximum publish request body. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
  /** Default maximum selectors on one subscription. */
  public static final int DEFAULT_MAX_SUBSCRIPTION_TOPICS = 64;
  /** Default maximum topics on one event. */
  public static final int DEFAULT_MAX_EVENT_TOPICS = 32;
  /** Default maximum events in one batch publish. */
  public static final int DEFAULT_MAX_BATCH = 1000;
  /** Default window in which a repeated {@code Idempotency-Key} returns the first result. */
  public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofMinutes(5);

  /** Smallest {@code --max-body} and {@code --max-buffered}: 1 KiB. */
  public static final int MIN_BODY_BYTES = 1024;
  /** Largest {@code --heartbeat} and {@code --retry}: a day. */
  public static final Duration MAX_INTERVAL = HeraldServer.MAX_INTERVAL;
  /** Smallest {@code --retry}: 100 ms, the smallest {@code retry} a publish may carry. */
  public static final Duration MIN_RETRY = Duration.ofMillis(PublishParser.MIN_RETRY_MS);
  /** Smallest {@code --retention-age} and {@code --idempotency-window}: one millisecond, the store's resolution. */
  public static final Duration MIN_AGE = Duration.ofMillis(1);

  private final String host;
  private final int port;
  private final Path dataDir;
  private final StoreKind store;
  private final Optional<String> redisUrl;
  private final Duration redisTimeout;
  private final long retentionEvents;
  private final Duration retentionAge;
  private final Duration heartbeat;
  private final Duration retry;
  private final long maxBufferedBytes;
  private final int maxBodyBytes;
  private final int maxSubscriptionTopics;
  private final int maxEventTopics;
  private final int maxBatch;
  private final Duration idempotencyWindow;
  private final HubLimits limits;
  private final AuthConfig auth;
  private final boolean subscriptions;

  private HubConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.dataDir = b.dataDir;
    this.redisUrl = b.redisUrl;
    this.redisTimeout = b.redisTimeout;
    this.store = b.store;
    this.retentionEvents = b.retentionEvents;
    this.retentionAge = b.retentionAge;
    this.heartbeat = b.heartbeat;
    this.retry = b.retry;
    this.maxBufferedBytes = b.maxBufferedBytes;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxSubscriptionTopics = b.maxSubscriptionTopics;
    this.maxEventTopics = b.maxEventTopics;
    this.maxBatch = b.maxBatch;
    this.idempotencyWindow = b.idempotencyWindow;
    this.limits = b.limits.build();
    this.auth = b.auth.build();
    this.subscriptions = b.subscriptions;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static HubConfig defaults() {
    return builder().build();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Address to bind. */
  public String host() {
    return host;
  }

  /** Port to listen on; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Directory of the durable store. */
  public Path dataDir() {
    return dataDir;
  }

  /** Which history store to use. */
  public StoreKind store() {
    return store;
  }

  /** How many of the newest events the history keeps. */
  public long retentionEvents() {
    return retentionEvents;
  }

  /** How old an event may get before the history drops it. */
  public Duration retentionAge() {
    return retentionAge;
  }

  /** Interval of heartbeat comments; zero turns them off. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** The {@code retry:} hint sent to each subscriber on connect and at shutdown. */
  public Duration retry() {
    return retry;
  }

  /** Per-stream outbound byte bound; past it the subscriber is closed and resumes from history. */
  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  /** Largest accepted publish body in bytes. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Most selectors on one subscription. */
  public int maxSubscriptionTopics() {
    return maxSubscriptionTopics;
  }

  /** Most topics on one event. */
  public int maxEventTopics() {
    return maxEventTopics;
  }

  /** Most events in one batch publish. */
  public int maxBatch() {
    return maxBatch;
  }

  /** How long a repeated {@code Idempotency-Key} returns the first result. */
  public Duration idempotencyWindow() {
    return idempotencyWindow;
  }

  /** CORS, connection and publish-rate limits, header size and {@code /metrics} access. */
  public HubLimits limits() {
    return limits;
  }

  /** Who may publish and subscribe: JWT keys, claims checked, token sources, anonymous access. */
  public AuthConfig auth() {
    return auth;
  }

  /**
   * The Redis that {@link StoreKind#REDIS} shares history through: {@code redis://host:port[/db]}
   * or {@code rediss://…}, maybe with a password (shown only by {@link #redactedRedisUrl()}).
   */
  public Optional<String> redisUrl() {
    return redisUrl;
  }

  /**
   * How long a Redis command may take before it fails (default 5 s): a publish to an unanswering
   * Redis gets its 503 within about twice this (the command, then its confirmation), start-up and
   * {@code /readyz} give up after it.
   */
  public Duration redisTimeout() {
    return redisTimeout;
  }

  /** {@link #redisUrl()} with any password replaced by {@code ***}, fit for logs; "-" if none. */
  public String redactedRedisUrl() {
    return redisUrl.map(HubConfig::redactUrl).orElse("-");
  }

  /** {@code url} with the user-info's password (or a lone user-info, Redis's password) hidden. */
  static String redactUrl(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    String info = url.substring(scheme + 3, at);
    int colon = info.indexOf(':');
    String shown = colon >= 0 ? info.substring(0, colon) + ":***" : "***";
    return url.substring(0, scheme + 3) + shown + url.substring(at);
  }

  /** The retention and idempotency settings for the history store. */
  public HistoryStore.Limits storeLimits() {
    return new HistoryStore.Limits(retentionEvents, retentionAge, idempotencyWindow);
  }

  /**
   * Whether the hub tracks active subscriptions (Mercure's optional part, {@code --subscriptions}):
   * publishes a private subscription event when a subscription opens or ends and serves the
   * subscriptions API under {@code /.well-known/mercure/subscriptions}. Default {@code false}.
   */
  public boolean subscriptions() {
    return subscriptions;
  }

  @Override
  public String toString() {
    return "HubConfig{host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", store=" + store
        + (redisUrl.isPresent() ? ", redisUrl=" + redactedRedisUrl() + ", redisTimeout=" + redisTimeout : "")
        + ", retentionEvents=" + retentionEvents + ", retentionAge=" + retentionAge + ", heartbeat=" + heartbeat
        + ", retry=" + retry + ", maxBufferedBytes=" + maxBufferedBytes + ", maxBodyBytes=" + maxBodyBytes
        + ", maxSubscriptionTopics=" + maxSubscriptionTopics + ", maxEventTopics=" + maxEventTopics
        + ", maxBatch=" + maxBatch + ", idempotencyWindow=" + idempotencyWindow + ", limits=" + limits
        + ", auth=" + auth + (subscriptions ? ", subscriptions" : "") + "}";
  }

  /** Builds a {@link HubConfig}; not thread-safe. Each setter names the option in its error. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Path dataDir = DEFAULT_DATA_DIR;
    private StoreKind store = StoreKind.SQLITE;
    private Optional<String> redisUrl = Optional.empty();
    private Duration redisTimeout = DEFAULT_REDIS_TIMEOUT;
    private long retentionEvents = DEFAULT_RETENTION_EVENTS;
    private Duration retentionAge = DEFAULT_RETENTION_AGE;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private Duration retry = DEFAULT_RETRY;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxSubscriptionTopics = DEFAULT_MAX_SUBSCRIPTION_TOPICS;
    private int maxEventTopics = DEFAULT_MAX_EVENT_TOPICS;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private Duration idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;
    private HubLimits.Builder limits = HubLimits.builder();
    private AuthConfig.Builder auth = AuthConfig.builder();
    private boolean subscriptions;

    private Builder() {}

    private Builder(HubConfig c) {
      host = c.host;
      port = c.port;
      dataDir = c.dataDir;
      store = c.store;
      redisUrl = c.redisUrl;
      redisTimeout = c.redisTimeout;
      retentionEvents = c.retentionEvents;
      retentionAge = c.retentionAge;
      heartbeat = c.heartbeat;
      retry = c.retry;
      maxBufferedBytes = c.maxBufferedBytes;
      maxBodyBytes = c.maxBodyBytes;
      maxSubscriptionTopics = c.maxSubscriptionTopics;
      maxEventTopics = c.maxEventTopics;
      maxBatch = c.maxBatch;
      idempotencyWindow = c.idempotencyWindow;
      limits = c.limits.toBuilder();
      auth = c.auth.toBuilder();
      subscriptions = c.subscriptions;
    }

    /** Address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}. */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host == null");
      require(!host.isBlank(), "host", "must not be empty");
      this.host = host;
      return this;
    }

    /** Port, 0 to 65535 (0 picks a free port). */
    public Builder port(int port) {
      require(port >= 0 && port <= 65535, "port", "must be from 0 to 65535, got " + port);
      this.port = port;
      return this;
    }

    /** Directory of the durable store (created if missing). */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir == null");
      return this;
    }

    /** Which history store to use. */
    public Builder store(StoreKind store) {
      this.store = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /**
     * The Redis for {@link StoreKind#REDIS}: {@code redis://[password@]host[:port][/db]} or
     * {@code rediss://…} (TLS).
     */
    public Builder redisUrl(String url) {
      Objects.requireNonNull(url, "url == null");
      require(url.startsWith("redis://") || url.startsWith("rediss://"), "redis-url",
          "must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379/0");
      require(url.length() > url.indexOf("://") + 3, "redis-url", "names no host");
      this.redisUrl = Optional.of(url);
      return this;
    }

    /** {@link HubConfig#redisTimeout()}: from 100 ms to 10 minutes. */
    public Builder redisTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      require(timeout.compareTo(Duration.ofMillis(100)) >= 0 && timeout.compareTo(Duration.ofMinutes(10)) <= 0,
          "redis-timeout", "must be from 100ms to 10m");
      this.redisTimeout = timeout;
      return this;
    }

    /** How many of the newest events to keep; at least 1. */
    public Builder retentionEvents(long events) {
      require(events >= 1, "retention-events", "must be from 1 to " + Long.MAX_VALUE + ", got " + events);
      this.retentionEvents = events;
      return this;
    }

    /** How old events may get; from {@link #MIN_AGE} (1 ms) to 36500 days. */
    public Builder retentionAge(Duration age) {
      Objects.requireNonNull(age, "age == null");
      require(age.compareTo(MIN_AGE) >= 0 && age.compareTo(Units.MAX_DURATION) <= 0, "retention-age",
          "must be from 1ms to " + Units.format(Units.MAX_DURATION) + ", got " + Units.format(age));
      this.retentionAge = age;
      return this;
    }

    /** Heartbeat interval, at most {@link #MAX_INTERVAL} (a day); zero turns heartbeats off. */
    public Builder heartbeat(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      require(!interval.isNegative() && interval.compareTo(MAX_INTERVAL) <= 0, "heartbeat",
          "must be from 0 to " + Units.format(MAX_INTERVAL) + ", got " + Units.format(interval));
      this.heartbeat = interval;
      return this;
    }

    /**
     * The {@code retry:} hint; from {@link #MIN_RETRY} (100 ms) to {@link #MAX_INTERVAL} (a day),
     * the range a publish's {@code retry} is held to.
     */
    public Builder retry(Duration retry) {
      Objects.requireNonNull(retry, "retry == null");
      require(retry.compareTo(MIN_RETRY) >= 0 && retry.compareTo(MAX_INTERVAL) <= 0, "retry",
          "must be from " + Units.format(MIN_RETRY) + " to " + Units.format(MAX_INTERVAL) + " (as for a publish's retry), got "
              + Units.format(retry));
      this.retry = retry;
      return this;
    }

    /** Per-stream outbound bound; at least {@link #MIN_BODY_BYTES} (1 KiB). */
    public Builder maxBufferedBytes(long bytes) {
      require(bytes >= MIN_BODY_BYTES, "max-buffered", "must be from " + MIN_BODY_BYTES + " to " + Long.MAX_VALUE
          + " bytes, got " + bytes);
      this.maxBufferedBytes = bytes;
      return this;
    }

    /** Largest publish body; at least {@link #MIN_BODY_BYTES} (1 KiB). */
    public Builder maxBodyBytes(int bytes) {
      require(bytes >= MIN_BODY_BYTES, "max-body", "must be from " + MIN_BODY_BYTES + " to " + Integer.MAX_VALUE
          + " bytes, got " + bytes);
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Most selectors on one subscription; at least 1. */
    public Builder maxSubscriptionTopics(int n) {
      require(n >= 1, "max-subscription-topics", "must be from 1 to " + Integer.MAX_VALUE + ", got " + n);
      this.maxSubscriptionTopics = n;
      return this;
    }

    /** Most topics on one event; at least 1. */
    public Builder maxEventTopics(int n) {
      require(n >= 1, "max-event-topics", "must be from 1 to " + Integer.MAX_VALUE + ", got " + n);
      this.maxEventTopics = n;
      return this;
    }

    /** Most events in one batch; at least 1. */
    public Builder maxBatch(int n) {
      require(n >= 1, "max-batch", "must be from 1 to " + Integer.MAX_VALUE + ", got " + n);
      this.maxBatch = n;
      return this;
    }

    /** Idempotency window; from {@link #MIN_AGE} (1 ms) to 36500 days. */
    public Builder idempotencyWindow(Duration window) {
      Objects.requireNonNull(window, "window == null");
      require(window.compareTo(MIN_AGE) >= 0 && window.compareTo(Units.MAX_DURATION) <= 0, "idempotency-window",
          "must be from 1ms to " + Units.format(Units.MAX_DURATION) + ", got " + Units.format(window));
      this.idempotencyWindow = window;
      return this;
    }

    /**
     * Whether to track active subscriptions ({@code --subscriptions}, see {@link HubConfig#subscriptions()});
     * start-up refuses it without a subscriber key.
     */
    public Builder subscriptions(boolean enabled) {
      this.subscriptions = enabled;
      return this;
    }

    /** Who may publish and subscribe (default: no key, open mode). */
    public Builder auth(AuthConfig auth) {
      this.auth = Objects.requireNonNull(auth, "auth == null").toBuilder();
      return this;
    }

    /** The authorization settings being built, for {@link Settings} to set one at a time. */
    AuthConfig.Builder authBuilder() {
      return auth;
    }

    /** CORS, connection and publish-rate limits, header size and {@code /metrics} access; default {@link HubLimits#builder()}'s. */
    public Builder limits(HubLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null").toBuilder();
      return this;
    }

    /** The limits being built, for {@link Settings} to set one option at a time. */
    HubLimits.Builder limits() {
      return limits;
    }

    /** The configuration; throws {@link IllegalArgumentException} if the {@link #limits} are inconsistent. */
    public HubConfig build() {
      if (store == StoreKind.REDIS && redisUrl.isEmpty()) {
        throw new IllegalArgumentException("--store redis needs --redis-url, e.g. --redis-url redis://127.0.0.1:6379/0");
      }
      return new HubConfig(this);
    }

    private static void require(boolean ok, String option, String message) {
      if (!ok) {
        throw new IllegalArgumentException("--" + option + " " + message);
      }
    }
  }
}
