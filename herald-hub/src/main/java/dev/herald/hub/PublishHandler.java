package dev.herald.hub;

import dev.herald.server.AsyncHandler;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /publish}: parses the body ({@link PublishParser}), checks the
 * {@code Idempotency-Key}, appends the events to the history store and answers only once the
 * append is durable: {@code {"id":"42"}} for one event, {@code {"ids":["42","43"]}} for a JSON
 * array, plus {@code "duplicate":true} when the key repeated an earlier publish. Fan-out is not
 * done here but by the store's listener (see {@link Hub}), before the append completes.
 *
 * <p>Threading: thread-safe; parses on a server worker, then returns without waiting: the reply is
 * built when the append completes (on the store's thread) and written by the server, so no worker
 * is held while a group commit gathers publishes. After {@value #APPEND_TIMEOUT_SECONDS} s without
 * a confirmation the answer is 503. A store failure answers 503 and, the append being atomic,
 * nothing of the request was published.
 */
final class PublishHandler implements AsyncHandler {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final int MAX_KEY_LENGTH = 200;
  private static final long APPEND_TIMEOUT_SECONDS = 30;
  private static final Logger log = LoggerFactory.getLogger(PublishHandler.class);

  private final HistoryStore store;
  private final PublishParser parser;
  private final HubMetrics metrics;
  private final Admission admission;

  PublishHandler(HubConfig config, HistoryStore store, HubMetrics metrics, Admission admission) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
    this.admission = Objects.requireNonNull(admission, "admission == null");
    this.parser = new PublishParser(config.maxEventTopics(), config.maxBatch());
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    long start = System.nanoTime();
    if (!admission.enter()) {
      throw new HttpException(503, "the hub is shutting down; publish elsewhere or later");
    }
    CompletableFuture<AppendResult> appended;
    PublishParser.Parsed parsed;
    try {
      Optional<String> key = idempotencyKey(request);
      parsed = parser.parse(request.header("Content-Type").orElse(""), request.body());
      appended = append(parsed.events, key);
    } catch (RuntimeException e) {
      admission.exit();
      throw e;
    }
    boolean batch = parsed.batch;
    return appended.handle((result, error) -> {
      admission.exit();
      if (error != null) {
        throw failure(error, parsed.events.size());
      }
      if (!result.duplicate()) {
        metrics.published(result.size());
      }
      metrics.publishLatency(System.nanoTime() - start);
      return Response.json(200, reply(result, batch));
    });
  }

  private static Map<String, Object> reply(AppendResult result, boolean batch) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (batch) {
      body.put("ids", result.wireIds());
    } else {
      body.put("id", result.wireIds().get(0));
    }
    if (result.duplicate()) {
      body.put("duplicate", true);
    }
    return body;
  }

  /** The {@code Idempotency-Key} header: 1..200 printable ASCII characters, else 400. */
  static Optional<String> idempotencyKey(Request request) {
    List<String> values = request.headers(IDEMPOTENCY_KEY);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw new HttpException(400, IDEMPOTENCY_KEY + " is given more than once");
    }
    String key = values.get(0);
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new HttpException(400, IDEMPOTENCY_KEY + " must be 1 to " + MAX_KEY_LENGTH + " characters, not " + key.length());
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new HttpException(400, IDEMPOTENCY_KEY + " must be printable ASCII (character " + i + " is not)");
      }
    }
    return Optional.of(key);
  }

  /** Starts the append; completes when it is durable, or after {@value #APPEND_TIMEOUT_SECONDS} s. */
  private CompletableFuture<AppendResult> append(List<NewEvent> events, Optional<String> key) {
    long start = System.nanoTime();
    CompletableFuture<AppendResult> future;
    try {
      future = store.append(events, key);
    } catch (RuntimeException e) {
      log.warn("History store refused an append of {} events", events.size(), e);
      throw new HttpException(503, "the history store is unavailable: " + e.getMessage(), e);
    }
    return future.orTimeout(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((result, error) -> {
      if (error == null) {
        metrics.storeAppendLatency(System.nanoTime() - start);
      }
    });
  }

  /** The answer to an append that failed or timed out; either way nothing is known to be published. */
  private HttpException failure(Throwable error, int events) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      return new HttpException(503, "the history store did not confirm within " + APPEND_TIMEOUT_SECONDS
          + " s; the events may or may not be published (retry with the same " + IDEMPOTENCY_KEY + ")");
    }
    log.warn("History store failed an append of {} events", events, cause);
    return new HttpException(503, "the history store failed; nothing was published: " + cause.getMessage(), cause);
  }
}
