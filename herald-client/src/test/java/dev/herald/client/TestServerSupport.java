package dev.herald.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A scripted {@link TestServer} per test, the source under test (closed after it) and a
 * {@link Recorder} listener: the shared set-up of the client's socket-level tests.
 */
abstract class TestServerSupport {
  TestServer server;
  EventSource source;
  final Recorder recorder = new Recorder();

  @BeforeEach
  void startServer() throws Exception {
    server = new TestServer();
  }

  @AfterEach
  void closeSourceAndServer() throws Exception {
    if (source != null) {
      source.close();
    }
    server.close();
  }
}
