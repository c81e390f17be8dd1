package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Routes whose response completes later, on another thread, without holding a worker. */
class AsyncRoutesTest {
  private static final int CONCURRENT = 20;
  private static final AtomicInteger ARRIVED = new AtomicInteger();
  private static final CompletableFuture<Void> ALL_ARRIVED = new CompletableFuture<>();
  private static final ExecutorService LATER = Executors.newSingleThreadExecutor();
  private static HeraldServer server;
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    Routing routing = Routing.builder()
        .routeAsync(Method.POST, "/later", req -> {
          String body = req.bodyText();
          if (ARRIVED.incrementAndGet() == CONCURRENT) {
            LATER.execute(() -> ALL_ARRIVED.complete(null));
          }
          return ALL_ARRIVED.thenApply(x -> Response.text("later " + body));
        })
        .routeAsync(Method.GET, "/teapot", req -> CompletableFuture.failedFuture(new HttpException(418, "short and stout")))
        .routeAsync(Method.GET, "/thrown", req -> {
          throw new HttpException(409, "thrown before the stage");
        })
        .routeAsync(Method.GET, "/boom", req -> CompletableFuture.supplyAsync(() -> {
          throw new IllegalStateException("secret internals");
        }))
        .routeAsync(Method.GET, "/null", req -> null)
        .routeAsync(Method.GET, "/null-response", req -> CompletableFuture.completedFuture(null))
        .build();
    // one worker: the /later responses complete only once all of them reached the handler,
    // which can only happen if a waiting response does not hold the worker
    server = HeraldServer.builder().port(0).workerThreads(1).routing(routing).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
    LATER.shutdownNow();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(server.uri() + path.substring(1))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void responsesCompletedLaterDoNotHoldAWorker() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (int i = 0; i < CONCURRENT; i++) {
      replies.add(CLIENT.sendAsync(HttpRequest.newBuilder(server.uri().resolve("/later"))
          .POST(HttpRequest.BodyPublishers.ofString("n" + i)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < CONCURRENT; i++) {
      HttpResponse<String> r = replies.get(i).get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("later n" + i);
    }
  }

  @Test
  void failuresAnswerLikeSynchronousHandlers() throws Exception {
    HttpResponse<String> teapot = get("/teapot");
    assertThat(teapot.statusCode()).isEqualTo(418);
    assertThat(teapot.body()).contains("short and stout");
    assertThat(get("/thrown").statusCode()).isEqualTo(409);
    HttpResponse<String> boom = get("/boom");
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(boom.body()).doesNotContain("secret").doesNotContain("Exception");
    assertThat(get("/null").statusCode()).isEqualTo(500);
    assertThat(get("/null-response").statusCode()).isEqualTo(500);
  }
}
