package dev.herald.hub;

import java.util.Map;

/**
 * Makes a {@link HistoryStore} that lives in another module, found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.herald.hub.HistoryStoreProvider}
 * entry): the hub cannot depend on the modules that implement its store SPI, so it looks them up
 * by name when {@link HubConfig#store()} names one that is not built in. herald-redis provides
 * {@code redis}. An implementation has a public no-argument constructor and is thread-safe.
 */
public interface HistoryStoreProvider {

  /** The store's name as {@code --store} takes it, in lower case, e.g. {@code redis}. */
  String name();

  /**
   * Opens the store for a hub configured by {@code config} (its {@link HubConfig#storeLimits()},
   * its {@link HubConfig#redisUrl()} or other store settings), reading secrets such as
   * {@code HERALD_REDIS_PASSWORD} from {@code environment}. Throws
   * {@link IllegalArgumentException} for a setting it cannot use and
   * {@link StoreUnavailableException} when the store cannot be reached; neither message may
   * contain a secret.
   */
  HistoryStore open(HubConfig config, Map<String, String> environment);
}
