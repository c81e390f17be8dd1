package dev.herald.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.testing.Nginx;
import dev.herald.testing.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A real cluster for tests: one {@code redis-server}, hub processes ({@link HubNode}) on it and
 * {@code nginx} in front of them ({@link Nginx}, the README's configuration), all in one temporary
 * directory. {@link #close()} kills every process it started (nodes first, then nginx and Redis),
 * also when the test failed. Skips the test where redis-server or nginx is missing (fails under CI).
 */
final class Cluster implements AutoCloseable {
  /** HTTP for publishing and probing; a request's own timeout only ends a hung test. */
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final RedisServer redis;
  final List<HubNode> nodes = new ArrayList<>();
  final List<AutoCloseable> subscribers = new ArrayList<>();
  Nginx nginx;

  private Cluster(RedisServer redis) {
    this.redis = redis;
  }

  /**
   * Redis (with {@code redisArgs}) in {@code dir}, {@code n} nodes started in parallel with
   * {@code nodeArgs}, then nginx in front of them.
   */
  static Cluster start(Path dir, int n, List<String> redisArgs, String... nodeArgs) throws Exception {
    Optional<String> why = RedisServer.unavailable().or(Nginx::unavailable);
    assumeTrue(why.isEmpty(), why.orElse(""));
    Cluster c = new Cluster(RedisServer.start(dir.resolve("redis"), redisArgs.toArray(String[]::new)));
    try {
      List<CompletableFuture<HubNode>> starting = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "node" + (i + 1);
        starting.add(CompletableFuture.supplyAsync(() -> {
          try {
            return HubNode.start(dir, name, c.redis.url() + "/0", nodeArgs);
          } catch (IOException e) {
            throw new CompletionException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        }));
      }
      for (CompletableFuture<HubNode> f : starting) {
        try {
          c.nodes.add(f.join());
        } catch (CompletionException e) {
          starting.forEach(s -> s.thenAccept(c.nodes::add)); // close the others too
          throw e;
        }
      }
      c.nginx = Nginx.start(dir.resolve("nginx"), c.nodes.stream().map(HubNode::port).toList());
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  HubNode node(int i) {
    return nodes.get(i);
  }

  /** The load balancer's address. */
  URI front() {
    return nginx.uri();
  }

  /** A light subscriber to {@code topic} through nginx (closed with the cluster). */
  LightSubscriber subscribe(String topic, String lastEventId, String name) {
    return subscribe(nginx.port(), topic, lastEventId, name);
  }

  /** A light subscriber to {@code topic} on {@code port} (closed with the cluster). */
  LightSubscriber subscribe(int port, String topic, String lastEventId, String name) {
    LightSubscriber s = new LightSubscriber(port, "/events?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8),
        lastEventId, name);
    synchronized (subscribers) {
      subscribers.add(s);
    }
    return s;
  }

  /** POST /publish at {@code base}; the key is sent as {@code Idempotency-Key} when not null. */
  static HttpResponse<String> post(URI base, String topic, String data, String key) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/publish"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .timeout(Duration.ofSeconds(60)) // the hub answers within its store's timeout; this only ends a hung test
        .POST(HttpRequest.BodyPublishers.ofString("topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "&data="
            + URLEncoder.encode(data, StandardCharsets.UTF_8)));
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of {@code GET path} at {@code base}. */
  static int status(URI base, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The id in a 200 answer of /publish. */
  static String id(HttpResponse<String> r) throws IOException {
    return RedisClusterTest.JSON.readTree(r.body()).get("id").asText();
  }

  /** Entry ids {@code <ms>-<seq>} compared in stream order. */
  static int compareIds(String a, String b) {
    return Long.compare(RedisIds.positionOf(a), RedisIds.positionOf(b));
  }

  @Override
  public void close() throws Exception {
    List<AutoCloseable> subs;
    synchronized (subscribers) {
      subs = List.copyOf(subscribers);
    }
    for (AutoCloseable s : subs) {
      s.close();
    }
    for (HubNode n : nodes) {
      n.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    redis.close();
  }
}
