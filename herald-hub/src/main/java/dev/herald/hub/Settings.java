package dev.herald.hub;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Turns the hub's settings from a config file, environment variables and command-line flags
 * into a {@link HubConfig}; flags win over the environment, which wins over the file. Every
 * option has one name used everywhere: {@code --retention-age} on the command line,
 * {@code HERALD_RETENTION_AGE} in the environment, {@code retention-age} in the file (a Java
 * properties file). A bad value, or an unknown name on the command line or in the file, fails
 * with a message naming the option, where it came from and what is accepted; an unknown
 * {@code HERALD_*} variable is only warned about.
 */
final class Settings {
  /** The environment variable naming the config file. */
  static final String CONFIG_VARIABLE = "HERALD_CONFIG";
  /** The Redis password when {@code --redis-url} has none (read by the Redis store, not an option). */
  static final String REDIS_PASSWORD_VARIABLE = "HERALD_REDIS_PASSWORD";

  /** One option: its name, value label, help text and how it applies to the builder. */
  static final class Option {
    final String name;
    final String label;
    final String help;
    final BiConsumer<HubConfig.Builder, String> setter;
    /** A true/false option: on the command line the flag alone means {@code true}. */
    final boolean bool;

    Option(String name, String label, String help, BiConsumer<HubConfig.Builder, String> setter, boolean bool) {
      this.name = name;
      this.label = label;
      this.help = help;
      this.setter = setter;
      this.bool = bool;
    }
  }

  /** The options, in the order {@code --help} lists them. */
  static final Map<String, Option> OPTIONS = new LinkedHashMap<>();

  static {
    add("host", "ADDRESS", "address to bind (default " + HubConfig.DEFAULT_HOST + ")",
        (b, v) -> b.host(resolvable(v)));
    add("port", "N", "port to listen on; 0 picks a free one (default " + HubConfig.DEFAULT_PORT + ")",
        (b, v) -> b.port(Math.toIntExact(bounded(Units.integer(v), 0, 65535, ""))));
    add("data-dir", "DIR", "directory of the durable history (default " + HubConfig.DEFAULT_DATA_DIR + " in the working directory)",
        (b, v) -> b.dataDir(Paths.get(v)));
    add("store", "sqlite|memory|redis", "history store: durable SQLite (default), a bounded in-memory ring, or a "
        + "Redis stream shared by several hubs (with --redis-url)", (b, v) -> b.store(store(v)));
    add("redis-url", "URL", "the Redis of --store redis: redis://host:port[/db] or rediss://… (TLS); a password in "
        + "the URL or in " + REDIS_PASSWORD_VARIABLE, (b, v) -> b.redisUrl(v));
    add("redis-timeout", "DURATION", "how long a Redis command may take before the publish gets 503 and /readyz "
        + "fails (default 5s; a publish answers within about twice this)", (b, v) -> b.redisTimeout(Units.duration(v)));
    add("retention-events", "N", "keep at most the newest N events (default " + HubConfig.DEFAULT_RETENTION_EVENTS + ")",
        (b, v) -> b.retentionEvents(Units.integer(v)));
    add("retention-age", "DURATION", "drop events older than this (default 7d)", (b, v) -> b.retentionAge(Units.duration(v)));
    add("heartbeat", "DURATION", "comment sent to idle streams this often; 0 = off (default 15s)",
        (b, v) -> b.heartbeat(Units.duration(v)));
    add("retry", "DURATION", "reconnection time told to subscribers, 100ms to 1d (default 2s)", (b, v) -> b.retry(Units.duration(v)));
    add("max-buffered", "SIZE", "bytes a subscriber may fall behind before it is closed to resume (default 1m)",
        (b, v) -> b.maxBufferedBytes(Units.bytes(v)));
    add("max-body", "SIZE", "largest publish request body (default 1m)",
        (b, v) -> b.maxBodyBytes(Math.toIntExact(
            bounded(Units.bytes(v), HubConfig.MIN_BODY_BYTES, Integer.MAX_VALUE, " bytes"))));
    add("max-subscription-topics", "N", "most topic selectors on one subscription (default "
        + HubConfig.DEFAULT_MAX_SUBSCRIPTION_TOPICS + ")", (b, v) -> b.maxSubscriptionTopics(smallInt(v)));
    add("max-event-topics", "N", "most topics on one event (default " + HubConfig.DEFAULT_MAX_EVENT_TOPICS + ")",
        (b, v) -> b.maxEventTopics(smallInt(v)));
    add("max-batch", "N", "most events in one batch publish (default " + HubConfig.DEFAULT_MAX_BATCH + ")",
        (b, v) -> b.maxBatch(smallInt(v)));
    add("idempotency-window", "DURATION", "how long a repeated Idempotency-Key returns the first result (default 5m)",
        (b, v) -> b.idempotencyWindow(Units.duration(v)));
    // CORS and limits (HubLimits); 0 turns a limit off
    add("cors-origins", "ORIGINS", "comma-separated origins whose pages may use the hub, e.g. https://app.example, "
        + "or * for any (then without credentials); default none: no CORS headers",
        (b, v) -> b.limits().corsOrigins(list(v)));
    add("cors-credentials", "true|false", "whether listed origins may send cookies and Authorization (default true; "
        + "never with *)", (b, v) -> b.limits().corsCredentials(bool(v)));
    add("max-connections", "N", "most open connections in total, else 503; 0 = no limit (default "
        + HubLimits.DEFAULT_MAX_CONNECTIONS + ")", (b, v) -> b.limits().maxConnections(limit(v)));
    add("max-connections-per-address", "N", "most open connections from one client address, else 429; 0 = no limit "
        + "(default " + HubLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + ")",
        (b, v) -> b.limits().maxConnectionsPerAddress(limit(v)));
    add("publish-rate", "N", "publish requests per second per token subject (else client address), else 429 with "
        + "Retry-After; fractions allowed, 0 = no limit (default 0)",
        (b, v) -> b.limits().publishRate(rate(v)));
    add("publish-burst", "N", "publish requests a rested publisher may make at once (default "
        + HubLimits.DEFAULT_BURST_SECONDS + " s of --publish-rate)", (b, v) -> b.limits().publishBurst(smallInt(v)));
    add("max-header-bytes", "SIZE", "largest request header fields together, else 431 (default 16k)",
        (b, v) -> b.limits().maxHeaderBytes(Math.toIntExact(
            bounded(Units.bytes(v), dev.herald.server.HeraldServer.MIN_HEADER_BYTES, Integer.MAX_VALUE, " bytes"))));
    add("metrics-token", "TOKEN", "bearer token /metrics asks for (at least " + HubLimits.MIN_METRICS_TOKEN_LENGTH
        + " characters; default none)", (b, v) -> b.limits().metricsToken(v));
    add("metrics-loopback-only", "true|false", "serve /metrics to loopback clients only, else 403 (default true, "
        + "false once --metrics-token is set)", (b, v) -> b.limits().metricsLoopbackOnly(bool(v)));
    String forms = "env:NAME (an HMAC secret in that variable), file:PATH (an HMAC secret, a PEM public key or "
        + "certificate, or a JWKS), or the HMAC secret itself (at least 32 bytes)";
    add("jwt-key", "KEY", "key that publisher and subscriber tokens are verified with: " + forms
        + "; no key on a loopback host = open mode", (b, v) -> b.authBuilder().jwtKey(v));
    add("publisher-jwt-key", "KEY", "key for publisher tokens only (wins over --jwt-key)",
        (b, v) -> b.authBuilder().publisherJwtKey(v));
    add("subscriber-jwt-key", "KEY", "key for subscriber tokens only (wins over --jwt-key)",
        (b, v) -> b.authBuilder().subscriberJwtKey(v));
    add("jwt-issuer", "ISS", "tokens must carry this iss", (b, v) -> b.authBuilder().issuer(v));
    add("jwt-audience", "AUD", "tokens' aud must include this", (b, v) -> b.authBuilder().audience(v));
    add("cookie-name", "NAME", "cookie a token may come in (default " + AuthConfig.DEFAULT_COOKIE_NAME + "); "
        + "the Authorization: Bearer header wins over the authorization query parameter, which wins over the cookie",
        (b, v) -> b.authBuilder().cookieName(v));
    addBool("anonymous", "admit subscribers without a token, to public updates only (default: true when no "
        + "subscriber key is set, else false)", (b, v) -> b.authBuilder().anonymous(v));
    addBool("allow-anonymous-publish", "let anyone publish without a token, also on a non-loopback host or "
        + "with a publisher key (start-up warns)", (b, v) -> b.authBuilder().allowAnonymousPublish(v));
    addBool("subscriptions", "track active subscriptions (Mercure): private events when a subscription opens or "
        + "ends, and the API at " + ActiveSubscriptions.PREFIX + "; needs a subscriber key (default false)",
        (b, v) -> b.subscriptions(v));
  }

  private static void add(String name, String label, String help, BiConsumer<HubConfig.Builder, String> setter) {
    OPTIONS.put(name, new Option(name, label, help, setter, false));
  }

  private static void addBool(String name, String help, BiConsumer<HubConfig.Builder, Boolean> setter) {
    OPTIONS.put(name, new Option(name, "true|false", help, (b, v) -> setter.accept(b, bool(v)), true));
  }

  private static boolean bool(String v) {
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException("must be 'true' or 'false'");
    }
  }

  private Settings() {}

  /**
   * Like {@link #resolve(Path, Map, Map, Consumer)}, ignoring the warnings (tests).
   */
  static HubConfig resolve(Path configFile, Map<String, String> env, Map<String, String> flags) {
    return resolve(configFile, env, flags, warning -> { });
  }

  /**
   * The configuration from {@code configFile} (if any), then {@code env} ({@code HERALD_*}), then
   * {@code flags} (option name → value). For each option only the value of the highest layer
   * that sets it is parsed, so a bad value hidden by a higher layer does not matter. Unknown
   * {@code HERALD_*} variables are reported to {@code warnings} in one line and otherwise ignored
   * (they may be meant for something else); an unknown name in the file is an error. Throws
   * {@link IllegalArgumentException} with a message for the user.
   */
  static HubConfig resolve(Path configFile, Map<String, String> env, Map<String, String> flags,
      Consumer<String> warnings) {
    return resolve(configFile, env, flags, warnings, null);
  }

  /**
   * Like {@link #resolve(Path, Map, Map, Consumer)}, but every problem is added to
   * {@code problems} instead of thrown (a bad option keeps its default), so that
   * {@code serve --check} can list them all.
   */
  static HubConfig resolveAll(Path configFile, Map<String, String> env, Map<String, String> flags,
      Consumer<String> warnings, List<String> problems) {
    return resolve(configFile, env, flags, warnings, Objects.requireNonNull(problems, "problems == null"));
  }

  private static HubConfig resolve(Path configFile, Map<String, String> env, Map<String, String> flags,
      Consumer<String> warnings, List<String> problems) {
    Map<String, String[]> winners = new HashMap<>(); // option -> {value, source}
    if (configFile != null) {
      Properties file = attempt(problems, () -> load(configFile), new Properties());
      for (String key : new TreeSet<>(file.stringPropertyNames())) {
        String source = "config file " + configFile;
        if (attempt(problems, () -> known(key, source), false)) {
          winners.put(key, new String[] {file.getProperty(key), source});
        }
      }
    }
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (name.startsWith("HERALD_") && !name.equals(CONFIG_VARIABLE) && !name.equals(REDIS_PASSWORD_VARIABLE)) {
        String option = name.substring("HERALD_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
        if (OPTIONS.containsKey(option) && name.equals(envName(option))) {
          winners.put(option, new String[] {e.getValue(), "environment variable " + name});
        } else {
          unknown.add(name);
        }
      }
    }
    if (!unknown.isEmpty()) {
      warnings.accept("ignoring unknown environment variable" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown) + " (the hub reads " + CONFIG_VARIABLE + " and HERALD_<OPTION>, e.g. "
          + envName("data-dir") + "; see --help)");
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      if (attempt(problems, () -> known(e.getKey(), "the command line"), false)) {
        winners.put(e.getKey(), new String[] {e.getValue(), "the command line"});
      }
    }
    HubConfig.Builder builder = HubConfig.builder();
    for (String option : OPTIONS.keySet()) {
      String[] winner = winners.get(option);
      if (winner != null) {
        attempt(problems, () -> {
          apply(builder, option, winner[0], winner[1]);
          return true;
        }, false);
      }
    }
    if (problems == null) {
      return builder.build();
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) { // options that do not go together (the limits check them at build)
      problems.add(e.getMessage());
      builder.limits(HubLimits.builder().build());
      try {
        return builder.build();
      } catch (IllegalArgumentException again) { // --store redis without --redis-url
        if (!again.getMessage().equals(e.getMessage())) {
          problems.add(again.getMessage());
        }
        return builder.store(StoreKind.SQLITE).build();
      }
    }
  }

  /** Runs {@code step}; with {@code problems} (collecting), a refusal is added there and {@code otherwise} returned. */
  private static <T> T attempt(List<String> problems, java.util.function.Supplier<T> step, T otherwise) {
    if (problems == null) {
      return step.get();
    }
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return otherwise;
    }
  }

  /** The environment variable name of an option, e.g. {@code HERALD_DATA_DIR}. */
  static String envName(String option) {
    return "HERALD_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static boolean known(String option, String source) {
    if (!OPTIONS.containsKey(option)) {
      throw new IllegalArgumentException(source + ": unknown option '" + option + "' (known: "
          + String.join(", ", OPTIONS.keySet()) + ")");
    }
    return true;
  }

  private static void apply(HubConfig.Builder builder, String option, String value, String source) {
    try {
      OPTIONS.get(option).setter.accept(builder, value);
    } catch (IllegalArgumentException | ArithmeticException e) {
      String why = e.getMessage() == null ? "bad value" : e.getMessage().replaceFirst("^--" + option + " ", "");
      // a key or the metrics token is never echoed (env:/file: references of a key are)
      String shown = value.isEmpty() ? value : option.endsWith("jwt-key") ? AuthConfig.redacted(Optional.of(value))
          : option.equals("metrics-token") ? "<secret>" : option.equals("redis-url") ? HubConfig.redactUrl(value) : value;
      throw new IllegalArgumentException("--" + option + " (from " + source + "): " + why + " [value: '" + shown + "']");
    }
  }

  private static Properties load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--config: file not found: " + file);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--config: cannot read " + file + ": " + e.getMessage());
    }
    return p;
  }

  private static StoreKind store(String v) {
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "sqlite":
        return StoreKind.SQLITE;
      case "memory":
        return StoreKind.MEMORY;
      case "redis":
        return StoreKind.REDIS;
      default:
        throw new IllegalArgumentException("must be 'sqlite', 'memory' or 'redis'");
    }
  }

  private static List<String> list(String v) {
    List<String> items = new ArrayList<>();
    for (String item : v.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  private static double rate(String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number of requests per second, e.g. 100 or 0.5");
    }
  }

  private static int limit(String v) {
    return Math.toIntExact(bounded(Units.integer(v), 0, Integer.MAX_VALUE, ""));
  }

  private static int smallInt(String v) {
    return Math.toIntExact(bounded(Units.integer(v), 1, Integer.MAX_VALUE, ""));
  }

  private static long bounded(long n, long min, long max, String unit) {
    if (n < min || n > max) {
      throw new IllegalArgumentException("must be from " + min + " to " + max + unit);
    }
    return n;
  }

  /**
   * {@code host}, once it resolves to an address of this machine (the wildcard, a loopback
   * address or one of an interface): an unresolvable name or a foreign address is a bad option,
   * not a bind failure. The address checked is the one the server binds to, the first.
   */
  private static String resolvable(String host) {
    if (host.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host.trim());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve '" + host.trim() + "' (unknown host)");
    }
    if (!isLocal(address)) {
      throw new IllegalArgumentException("not an address of this machine"
          + (host.trim().equals(address.getHostAddress()) ? "" : " (it resolves to " + address.getHostAddress() + ")"));
    }
    return host.trim();
  }

  private static boolean isLocal(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return true; // cannot tell: binding will
    }
  }
}
