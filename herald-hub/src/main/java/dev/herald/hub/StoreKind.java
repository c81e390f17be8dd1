package dev.herald.hub;

/** Where the hub keeps its history. */
public enum StoreKind {
  /** Durable: SQLite (WAL) in the data directory. The default. */
  SQLITE,
  /** A bounded in-memory ring; lost on restart. */
  MEMORY,
  /**
   * One Redis stream shared by several hubs ({@link HubConfig#redisUrl()}); needs the herald-redis
   * module on the class path (the {@code herald} launcher's jar has it).
   */
  REDIS
}
