package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Filter}s over raw sockets: order, early answers, which responses {@code after} sees. */
class FilterTest {
  private static final Duration T = Duration.ofSeconds(30);

  private final List<String> trace = new CopyOnWriteArrayList<>();
  private final AtomicInteger handlerRuns = new AtomicInteger();
  private final AtomicInteger beforeOnLoop = new AtomicInteger();
  private final Recorder<Exception> afterFailures = new Recorder<>();
  private HeraldServer server;

  /** Records its steps; {@code after} adds {@code X-After-<name>}. */
  private Filter tracing(String name) {
    return new Filter() {
      @Override
      public Optional<Response> before(Request request) {
        if (io.netty.util.internal.ThreadExecutorMap.currentExecutor() != null) {
          beforeOnLoop.incrementAndGet(); // documented: before runs on a worker, never on an event loop
        }
        trace.add("before " + name + " " + request.method() + " " + request.path()
            + request.pathParam("id").map(id -> " id=" + id).orElse(""));
        return Optional.empty();
      }

      @Override
      public void after(Request request, ResponseHeaders response) {
        trace.add("after " + name + " " + response.status() + (response.isEventStream() ? " stream" : ""));
        response.set("X-After-" + name, String.valueOf(response.status()));
      }
    };
  }

  @BeforeEach
  void start() {
    Filter apiKey = Filter.before(req -> req.path().startsWith("/private") && req.header("X-Key").isEmpty()
        ? Optional.of(Response.builder().status(401).header("WWW-Authenticate", "Key").body("{\"error\":\"no key\"}".getBytes(), "application/json").build())
        : Optional.empty());
    Filter thrower = Filter.before(req -> {
      if (req.path().equals("/forbidden")) {
        throw new HttpException(403, "not for you");
      }
      if (req.path().equals("/filter-bug")) {
        throw new IllegalStateException("filter internals");
      }
      return Optional.empty();
    });
    Filter badAfter = Filter.after((req, res) -> {
      if (req.path().startsWith("/bad-after")) {
        for (String[] h : new String[][] {{"X-Evil", "a\nb"}, {"Content-Length", "0"}}) {
          try {
            res.set(h[0], h[1]);
          } catch (IllegalArgumentException e) {
            afterFailures.accept(e);
          }
        }
        if (res.isEventStream()) {
          try {
            res.set("Content-Type", "text/plain");
          } catch (IllegalArgumentException e) {
            afterFailures.accept(e);
          }
        }
        throw new IllegalStateException("after filter bug");
      }
    });
    Routing routing = Routing.builder()
        .filter(tracing("one"))
        .filter(apiKey)
        .filter(thrower)
        .filter(tracing("two"))
        .filter(badAfter)
        .get("/users/{id}", req -> {
          trace.add("handler");
          handlerRuns.incrementAndGet();
          return Response.text("user");
        })
        .get("/private/data", req -> {
          handlerRuns.incrementAndGet();
          return Response.text("secret");
        })
        .sse("/private/events", (req, stream) -> {
          handlerRuns.incrementAndGet();
          stream.send("secret event");
        })
        .sse("/events", (req, stream) -> {
          trace.add("sse handler");
          stream.send("hi");
        })
        .sse("/sse-error", (req, stream) -> {
          throw new HttpException(409, "conflict");
        })
        .get("/forbidden", req -> Response.text("never"))
        .get("/filter-bug", req -> Response.text("never"))
        .get("/bad-after", req -> Response.text("fine"))
        .sse("/bad-after-sse", (req, stream) -> stream.send("fine"))
        .build();
    server = HeraldServer.builder().port(0).routing(routing).heartbeatInterval(Duration.ZERO).build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void beforeFiltersRunInOrderThenTheHandlerThenEveryAfter() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/users/42")) {
      String answer = c.readResponse(T).toLowerCase(Locale.ROOT);
      assertThat(answer).startsWith("http/1.1 200").contains("x-after-one: 200\r\n").contains("x-after-two: 200\r\n")
          .endsWith("user");
    }
    assertThat(trace).containsExactly("before one GET /users/42 id=42", "before two GET /users/42 id=42", "handler",
        "after one 200", "after two 200");
    assertThat(beforeOnLoop).hasValue(0);
  }

  @Test
  void aFilterAnswersEarlyOnPlainAndSseRoutesAndTheHandlerDoesNotRun() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/private/data")) {
      String answer = c.readResponse(T);
      assertThat(answer).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Key").endsWith("{\"error\":\"no key\"}");
      assertThat(answer.toLowerCase(Locale.ROOT)).contains("x-after-one: 401").contains("x-after-two: 401");
      // an early answer on an SSE route is a plain answer: the connection stays usable
      c.write(RawClient.request("GET", "/private/events"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 401").contains("keep-alive");
      c.write(RawClient.request("GET", "/private/data", "X-Key: k"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 200").endsWith("secret");
    }
    assertThat(handlerRuns).as("only the request with a key reached its handler").hasValue(1);
    assertThat(trace).containsExactly(
        "before one GET /private/data", "after one 401", "after two 401",
        "before one GET /private/events", "after one 401", "after two 401",
        "before one GET /private/data", "before two GET /private/data", "after one 200", "after two 200");
  }

  @Test
  void aFilterThrowingHttpExceptionAnswersWithItsStatusAndAnyOtherWith500() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/forbidden")) {
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 403").containsIgnoringCase("x-after-two: 403")
          .endsWith("\"message\":\"not for you\"}");
      c.write(RawClient.request("GET", "/filter-bug"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 500").doesNotContain("internals")
          .endsWith("\"message\":\"Internal server error\"}");
    }
  }

  @Test
  void sseHeadsAndSseErrorAnswersPassThroughAfterFilters() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/events")) {
      String head = c.readHead(T).toLowerCase(Locale.ROOT);
      assertThat(head).startsWith("http/1.1 200").contains("content-type: text/event-stream")
          .contains("x-after-one: 200\r\n").contains("x-after-two: 200\r\n");
      assertThat(c.readUntil("data: hi\n\n", T)).isNotEmpty();
    }
    assertThat(trace).containsExactly("before one GET /events", "before two GET /events", "sse handler",
        "after one 200 stream", "after two 200 stream");
    assertThat(beforeOnLoop).hasValue(0);
    try (RawClient c = RawClient.get(server.port(), "/sse-error")) {
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 409").containsIgnoringCase("x-after-two: 409").endsWith("\"message\":\"conflict\"}");
    }
  }

  @Test
  void notFoundAndNotAllowedPassThroughFiltersButUnroutedMethodsDoNot() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/nowhere")) {
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 404").containsIgnoringCase("x-after-one: 404");
      c.write(RawClient.request("OPTIONS", "/users/7"));
      String options = c.readResponse(T);
      assertThat(options).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET").containsIgnoringCase("x-after-two: 405")
          .contains("Method OPTIONS not allowed for /users/7");
      c.write(RawClient.request("PATCH", "/users/7"));
      assertThat(c.readResponse(T)).startsWith("HTTP/1.1 405").doesNotContainIgnoringCase("x-after");
    }
    assertThat(trace).containsExactly("before one GET /nowhere", "before two GET /nowhere", "after one 404",
        "after two 404", "before one OPTIONS /users/7", "before two OPTIONS /users/7", "after one 405", // no route: no path params
        "after two 405");
    assertThat(beforeOnLoop).as("404/405 filters run on a worker too").hasValue(0);
  }

  @Test
  void anAfterFilterCannotInjectOrReframeAndItsFailureDoesNotLoseTheResponse() throws Exception {
    try (RawClient c = RawClient.get(server.port(), "/bad-after")) {
      String answer = c.readResponse(T);
      assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("X-Evil").endsWith("fine");
    }
    assertThat(afterFailures.next(T)).hasMessage("value of header X-Evil must not contain CR, LF or NUL (found LF at index 1)");
    assertThat(afterFailures.next(T)).hasMessage("Content-Length is set by the server on every response; a filter cannot set it");
    try (RawClient c = RawClient.get(server.port(), "/bad-after-sse")) {
      String head = c.readHead(T);
      assertThat(head.toLowerCase(Locale.ROOT)).contains("content-type: text/event-stream").doesNotContain("text/plain");
      assertThat(c.readUntil("data: fine\n\n", T)).isNotEmpty();
    }
    afterFailures.next(T); // X-Evil again
    afterFailures.next(T); // Content-Length again
    assertThat(afterFailures.next(T)).hasMessage("Content-Type is set by the server on event streams; a filter cannot set it");
  }
}
