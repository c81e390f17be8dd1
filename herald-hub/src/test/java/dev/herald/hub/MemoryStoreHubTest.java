package dev.herald.hub;

/** The publish/subscribe suite again, over the memory store. */
class MemoryStoreHubTest extends HubPubSubTest {
  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }
}
