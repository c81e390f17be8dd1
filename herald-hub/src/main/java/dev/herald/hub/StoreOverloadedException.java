package dev.herald.hub;

/**
 * An append was refused because the store's bounded queue of pending appends is full; the
 * publisher should retry later (the hub answers 503). Unchecked.
 */
final class StoreOverloadedException extends StoreUnavailableException {
  StoreOverloadedException(String message) {
    super(message);
  }
}
