package dev.herald.hub;

import dev.herald.server.Cors;
import dev.herald.server.HeraldServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the hub lets browsers and clients do beyond its routes: which other origins' pages may use
 * it (CORS), how many connections it holds, how fast one publisher may publish, how large a
 * request head may be, and who may read {@code /metrics}. Part of {@link HubConfig}
 * ({@link HubConfig#limits()}); immutable, built with {@link #builder()}, whose setters check each
 * value at once and throw {@link IllegalArgumentException} naming the option. For a limit, 0
 * turns it off.
 */
public final class HubLimits {
  /** Default {@code --max-connections}: 10,000 open connections in total. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Default {@code --max-connections-per-address}: 1,000 from one client address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
  /**
   * Default {@code --publish-rate}: 0, no limit. Publishers are usually a few trusted backends
   * publishing for many users, so a per-publisher rate is opt-in.
   */
  public static final double DEFAULT_PUBLISH_RATE = 0;
  /** The default {@code --publish-burst} is this many seconds' worth of the publish rate. */
  public static final int DEFAULT_BURST_SECONDS = 5;
  /** Default {@code --max-header-bytes}: 16 KiB, the server's own default. */
  public static final int DEFAULT_MAX_HEADER_BYTES = HeraldServer.DEFAULT_MAX_HEADER_BYTES;
  /** Shortest {@code --metrics-token}: 16 characters. */
  public static final int MIN_METRICS_TOKEN_LENGTH = 16;
  /** Request headers a cross-origin page may send ({@code Access-Control-Allow-Headers}). */
  static final List<String> CORS_HEADERS = List.of("Last-Event-ID", "Authorization", "Content-Type",
      PublishHandler.IDEMPOTENCY_KEY);
  /** Response headers a cross-origin page may read beyond the safelisted ones. */
  static final List<String> CORS_EXPOSED = List.of("Retry-After", PublishHandler.REPLAYED);

  private final List<String> corsOrigins;
  private final Optional<Boolean> corsCredentials;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final double publishRate;
  private final Optional<Integer> publishBurst;
  private final int maxHeaderBytes;
  private final Optional<String> metricsToken;
  private final Optional<Boolean> metricsLoopbackOnly;
  private final LongSupplier nanoTime;

  private HubLimits(Builder b) {
    this.corsOrigins = List.copyOf(b.corsOrigins);
    this.corsCredentials = b.corsCredentials;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.publishRate = b.publishRate;
    this.publishBurst = b.publishBurst;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.metricsToken = b.metricsToken;
    this.metricsLoopbackOnly = b.metricsLoopbackOnly;
    this.nanoTime = b.nanoTime;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these limits. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The origins whose pages may use the hub, or {@code ["*"]} for any; empty: no CORS headers at all. */
  public List<String> corsOrigins() {
    return corsOrigins;
  }

  /** Whether listed origins may send credentials (cookies, {@code Authorization}): as set, else on for a list, never for {@code *}. */
  public boolean corsCredentials() {
    return corsCredentials.orElse(!anyOrigin());
  }

  /** Most open connections in total (event streams and requests being answered); 0: no limit. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Most open connections from one client address; 0: no limit. */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /** Publish requests per second one publisher (token subject, else client address) may make on average; 0: no limit. */
  public double publishRate() {
    return publishRate;
  }

  /** Publish requests one publisher may make at once after being idle: as set, else {@value #DEFAULT_BURST_SECONDS} s of the rate. */
  public int publishBurst() {
    return publishBurst.orElse((int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(publishRate * DEFAULT_BURST_SECONDS))));
  }

  /** Largest request header fields, all together, in bytes. */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** The bearer token {@code /metrics} asks for, if one is set. */
  public Optional<String> metricsToken() {
    return metricsToken;
  }

  /** Whether {@code /metrics} answers loopback clients only: as set, else only when no metrics token is set. */
  public boolean metricsLoopbackOnly() {
    return metricsLoopbackOnly.orElse(metricsToken.isEmpty());
  }

  /** The time source of the publish rate (tests). */
  LongSupplier nanoTime() {
    return nanoTime;
  }

  /** The CORS filter of {@link #corsOrigins()}, if any origin is allowed. */
  Optional<Cors> cors() {
    if (corsOrigins.isEmpty()) {
      return Optional.empty();
    }
    Cors.Builder cors = Cors.builder();
    if (anyOrigin()) {
      cors.allowAnyOrigin();
    } else {
      cors.allowOrigins(corsOrigins.toArray(new String[0])).allowCredentials(corsCredentials());
    }
    return Optional.of(cors.allowHeaders(CORS_HEADERS.toArray(new String[0]))
        .exposeHeaders(CORS_EXPOSED.toArray(new String[0]))
        .maxAge(java.time.Duration.ofMinutes(10))
        .build());
  }

  private boolean anyOrigin() {
    return corsOrigins.equals(List.of("*"));
  }

  @Override
  public String toString() {
    return "HubLimits{corsOrigins=" + corsOrigins + ", corsCredentials=" + corsCredentials() + ", maxConnections="
        + maxConnections + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ", publishRate=" + publishRate
        + ", publishBurst=" + publishBurst() + ", maxHeaderBytes=" + maxHeaderBytes + ", metricsToken="
        + (metricsToken.isPresent() ? "(set)" : "(none)") + ", metricsLoopbackOnly=" + metricsLoopbackOnly() + "}";
  }

  /** Builds {@link HubLimits}; not thread-safe. Each setter names its option in its error. */
  public static final class Builder {
    private List<String> corsOrigins = new ArrayList<>();
    private Optional<Boolean> corsCredentials = Optional.empty();
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private double publishRate = DEFAULT_PUBLISH_RATE;
    private Optional<Integer> publishBurst = Optional.empty();
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private Optional<String> metricsToken = Optional.empty();
    private Optional<Boolean> metricsLoopbackOnly = Optional.empty();
    private LongSupplier nanoTime = System::nanoTime;

    private Builder() {}

    private Builder(HubLimits l) {
      corsOrigins = new ArrayList<>(l.corsOrigins);
      corsCredentials = l.corsCredentials;
      maxConnections = l.maxConnections;
      maxConnectionsPerAddress = l.maxConnectionsPerAddress;
      publishRate = l.publishRate;
      publishBurst = l.publishBurst;
      maxHeaderBytes = l.maxHeaderBytes;
      metricsToken = l.metricsToken;
      metricsLoopbackOnly = l.metricsLoopbackOnly;
      nanoTime = l.nanoTime;
    }

    /**
     * The origins whose pages may use the hub, each exactly as a browser sends it
     * ({@code https://app.example}, {@code http://localhost:5173}), or just {@code *} for every
     * origin (then without credentials); empty (the default) sends no CORS headers. Replaces
     * earlier calls.
     */
    public Builder corsOrigins(List<String> origins) {
      Objects.requireNonNull(origins, "origins == null");
      List<String> copy = List.copyOf(origins);
      if (copy.contains("*")) {
        require(copy.size() == 1, "cors-origins", "'*' (every origin) cannot be listed together with origins " + copy);
      } else {
        try {
          Cors.builder().allowOrigins(copy.toArray(new String[0])); // checks each origin
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--cors-origins " + e.getMessage());
        }
      }
      this.corsOrigins = new ArrayList<>(copy);
      return this;
    }

    /** Whether listed origins may send credentials; default on for a list. Not with {@code *} ({@link #build()} refuses it). */
    public Builder corsCredentials(boolean allow) {
      this.corsCredentials = Optional.of(allow);
      return this;
    }

    /** Most open connections in total, 0 for no limit; default {@value #DEFAULT_MAX_CONNECTIONS}. */
    public Builder maxConnections(int n) {
      require(n >= 0, "max-connections", "must be from 0 (no limit) to " + Integer.MAX_VALUE + ", got " + n);
      this.maxConnections = n;
      return this;
    }

    /** Most open connections from one client address, 0 for no limit; default {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}. */
    public Builder maxConnectionsPerAddress(int n) {
      require(n >= 0, "max-connections-per-address", "must be from 0 (no limit) to " + Integer.MAX_VALUE + ", got " + n);
      this.maxConnectionsPerAddress = n;
      return this;
    }

    /**
     * Publish requests per second per publisher, fractions allowed ({@code 0.2} is one every 5 s),
     * 0 for no limit; default {@link #DEFAULT_PUBLISH_RATE} (0: no limit).
     */
    public Builder publishRate(double perSecond) {
      require(perSecond >= 0 && perSecond <= 1e9, "publish-rate", "must be from 0 (no limit) to 1000000000, got "
          + perSecond);
      this.publishRate = perSecond;
      return this;
    }

    /** Publish requests a rested publisher may make at once; at least 1; default {@value #DEFAULT_BURST_SECONDS} s of the rate. */
    public Builder publishBurst(int requests) {
      require(requests >= 1, "publish-burst", "must be from 1 to " + Integer.MAX_VALUE + ", got " + requests);
      this.publishBurst = Optional.of(requests);
      return this;
    }

    /** Largest request header fields together, at least 1 KiB; default 16 KiB. */
    public Builder maxHeaderBytes(int bytes) {
      require(bytes >= HeraldServer.MIN_HEADER_BYTES, "max-header-bytes", "must be from " + HeraldServer.MIN_HEADER_BYTES
          + " to " + Integer.MAX_VALUE + " bytes, got " + bytes);
      this.maxHeaderBytes = bytes;
      return this;
    }

    /** A bearer token of its own that {@code /metrics} asks for; at least 16 printable ASCII characters. */
    public Builder metricsToken(String token) {
      Objects.requireNonNull(token, "token == null");
      require(token.length() >= MIN_METRICS_TOKEN_LENGTH, "metrics-token",
          "must have at least " + MIN_METRICS_TOKEN_LENGTH + " characters, got " + token.length());
      require(token.chars().allMatch(c -> c > 0x20 && c < 0x7f), "metrics-token",
          "must be printable ASCII without spaces");
      this.metricsToken = Optional.of(token);
      return this;
    }

    /** Whether {@code /metrics} answers loopback clients only; default: yes unless a metrics token is set. */
    public Builder metricsLoopbackOnly(boolean loopbackOnly) {
      this.metricsLoopbackOnly = Optional.of(loopbackOnly);
      return this;
    }

    /** Tests: the time source of the publish rate (nanoseconds, like {@link System#nanoTime()}). */
    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime == null");
      return this;
    }

    /** The limits; throws {@link IllegalArgumentException} for {@code *} with credentials. */
    public HubLimits build() {
      require(!(corsOrigins.equals(List.of("*")) && corsCredentials.orElse(false)), "cors-credentials",
          "true cannot be used with --cors-origins '*': browsers refuse credentials for every origin;"
              + " list the origins instead");
      return new HubLimits(this);
    }

    private static void require(boolean ok, String option, String message) {
      if (!ok) {
        throw new IllegalArgumentException("--" + option + " " + message);
      }
    }
  }
}
