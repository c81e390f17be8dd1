package dev.herald.redis;

import dev.herald.hub.HistoryStore;
import dev.herald.hub.HistoryStoreProvider;
import dev.herald.hub.HubConfig;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --store redis}: a {@link RedisHistoryStore} on {@link HubConfig#redisUrl()} with the
 * hub's retention and idempotency limits and {@link HubConfig#redisTimeout()}; the password comes from the URL or else from
 * {@code HERALD_REDIS_PASSWORD}. Found by the hub through {@link java.util.ServiceLoader}.
 */
public final class RedisStoreProvider implements HistoryStoreProvider {
  /** The environment variable holding the Redis password when the URL has none. */
  public static final String PASSWORD_VARIABLE = "HERALD_REDIS_PASSWORD";

  /** For {@link java.util.ServiceLoader}. */
  public RedisStoreProvider() {}

  /** {@code redis}. */
  @Override
  public String name() {
    return "redis";
  }

  /** Connects to {@code config}'s Redis; see {@link RedisHistoryStore.Builder#build()} for failures. */
  @Override
  public HistoryStore open(HubConfig config, Map<String, String> environment) {
    String url = config.redisUrl().orElseThrow(() -> new IllegalArgumentException(
        "--store redis needs --redis-url, e.g. --redis-url redis://127.0.0.1:6379/0"));
    Optional<String> password = Optional.ofNullable(environment.get(PASSWORD_VARIABLE)).filter(p -> !p.isEmpty());
    return RedisHistoryStore.builder(url).limits(config.storeLimits()).timeout(config.redisTimeout()).password(password)
        .build();
  }
}
