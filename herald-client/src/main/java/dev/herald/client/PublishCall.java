package dev.herald.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.DoubleSupplier;

/**
 * One logical publish and its attempts: the same body and the same {@code Idempotency-Key} on
 * every attempt; a retryable failure (no answer, a timeout, 408, 429, 5xx) schedules the next
 * attempt on the {@link Timing} timer after an exponential backoff with jitter (or the hub's
 * {@code Retry-After} on 429 and 503), unless the attempts or the deadline are spent. No thread
 * waits: each attempt is {@link HttpClient#sendAsync}. Cancelling {@link #result} stops it.
 */
final class PublishCall {
  final CompletableFuture<PublishResult> result = new CompletableFuture<>();
  private final HubPublisher.Settings settings;
  private final URI uri;
  private final String contentType;
  private final byte[] body;
  private final String key;
  private final boolean mercure;
  private final long startNanos;
  private int attempts;

  PublishCall(HubPublisher.Settings settings, URI uri, String contentType, byte[] body, String key, boolean mercure) {
    this.settings = settings;
    this.uri = uri;
    this.contentType = contentType;
    this.body = body;
    this.key = key;
    this.mercure = mercure;
    this.startNanos = settings.timing.nanoTime();
  }

  /** Sends the next attempt, unless the caller cancelled. */
  void attempt() {
    if (result.isDone()) {
      return;
    }
    attempts++;
    long left = settings.deadline.toNanos() - (settings.timing.nanoTime() - startNanos);
    Duration timeout = Duration.ofNanos(Math.max(1_000_000L, Math.min(settings.requestTimeout.toNanos(), left)));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", contentType)
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      settings.tokens.token(settings.timing.now()).ifPresent(t -> request.header("Authorization", "Bearer " + t));
      sent = settings.client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      result.completeExceptionally(new HeraldClientException("cannot send a publish to " + uri + ": " + e, e));
      return;
    }
    sent.whenComplete((response, error) -> {
      try {
        if (error != null) {
          failed(noAnswer(error), Optional.empty());
        } else {
          answered(response);
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(new HeraldClientException("publish to " + uri + " failed: " + e, e));
      }
    });
  }

  private void answered(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (status >= 200 && status < 300) {
      List<String> ids = mercure ? List.of(text.strip()) : PublishWire.heraldIds(text);
      if (ids.isEmpty() || ids.get(0).isEmpty()) {
        result.completeExceptionally(new HeraldClientException("the hub at " + uri + " answered " + status
            + " without an id: " + PublishWire.errorMessage(text)));
        return;
      }
      boolean replayed = response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
      result.complete(new PublishResult(ids, replayed, attempts));
      return;
    }
    HubPublishRejectedException rejected = new HubPublishRejectedException(uri, status, PublishWire.errorMessage(text));
    if (!rejected.isRetryable()) {
      result.completeExceptionally(rejected);
      return;
    }
    Optional<Duration> retryAfter = status == 429 || status == 503
        ? ResponseRules.retryAfter(response.headers().firstValue("Retry-After"), settings.timing.now())
        : Optional.empty();
    failed(rejected, retryAfter);
  }

  private HeraldClientException noAnswer(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String what = cause instanceof HttpTimeoutException ? "no answer within the request timeout"
        : cause instanceof IOException ? "no answer (" + cause + ")" : "the request failed (" + cause + ")";
    return new ConnectionFailedException("publish to " + uri + ": " + what, cause);
  }

  /** Schedules the next attempt, or fails with the last cause when attempts or deadline are spent. */
  private void failed(HeraldClientException cause, Optional<Duration> retryAfter) {
    if (attempts >= settings.maxAttempts) {
      result.completeExceptionally(new HubPublishFailedException("publish to " + uri + " failed", attempts, cause));
      return;
    }
    long delay = retryAfter.map(Duration::toNanos).orElseGet(() -> backoff(attempts, settings.random));
    long elapsed = settings.timing.nanoTime() - startNanos;
    if (elapsed + delay >= settings.deadline.toNanos()) {
      result.completeExceptionally(new HubPublishFailedException("publish to " + uri + " failed: the deadline of "
          + settings.deadline + " leaves no time for a retry in " + Duration.ofNanos(delay), attempts, cause));
      return;
    }
    settings.listener.retrying(attempts, Duration.ofNanos(delay), cause);
    try {
      settings.timing.reconnect(this::attempt, delay);
    } catch (RuntimeException e) {
      result.completeExceptionally(new HubPublishFailedException("publish to " + uri + " failed: cannot schedule a retry",
          attempts, cause));
    }
  }

  /** The delay before attempt {@code failed + 1}: min(max, initial * 2^(failed-1)), jittered to 50..100 %. */
  private long backoff(int failed, DoubleSupplier random) {
    long base = settings.initialBackoff.toNanos();
    long max = settings.maxBackoff.toNanos();
    long delay = base;
    for (int i = 1; i < failed && delay < max; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, max);
    return delay / 2 + (long) (delay / 2 * random.getAsDouble());
  }
}
