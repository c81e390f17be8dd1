package dev.herald.hub;

/**
 * A history store failed: it could not be opened, a transaction could not be committed, or the
 * store is closed. Unchecked; the message names the store's location and the cause.
 */
class HistoryStoreException extends RuntimeException {
  HistoryStoreException(String message) {
    super(message);
  }

  HistoryStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
