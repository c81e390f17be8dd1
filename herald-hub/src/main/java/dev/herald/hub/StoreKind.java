package dev.herald.hub;

/** Where the hub keeps its history. */
public enum StoreKind {
  /** Durable: SQLite (WAL) in the data directory. The default. */
  SQLITE,
  /** A bounded in-memory ring; lost on restart. */
  MEMORY
}
