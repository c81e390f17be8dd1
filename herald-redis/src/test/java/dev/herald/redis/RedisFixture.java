package dev.herald.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real {@code redis-server} per test class, on a free port in a temporary directory; tests
 * skip with a message where the binary is missing (and fail under {@code CI=true}). Each store a
 * test opens gets its own key prefix, so tests never see each other's streams.
 */
final class RedisFixture {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private RedisFixture() {}

  /** Starts a server, or skips the test class saying why it cannot. */
  static RedisServer start(String... args) throws Exception {
    Optional<String> why = RedisServer.unavailable();
    assumeTrue(why.isEmpty(), why.orElse(""));
    Path dir = Files.createTempDirectory("herald-redis-test");
    return RedisServer.start(dir, args);
  }

  /** A key prefix no other store of this JVM uses. */
  static String freshPrefix() {
    return "t" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet();
  }
}
