package dev.herald.hub;

/** Opens the history store a test configuration names. Stateless. */
final class TestStores {
  private TestStores() {}

  static HistoryStore open(HubConfig config) {
    // until the real stores are merged: the contract-keeping test store
    return new TestStore(config.retentionEvents());
  }
}
