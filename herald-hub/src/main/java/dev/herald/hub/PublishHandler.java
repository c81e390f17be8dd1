package dev.herald.hub;

import dev.herald.server.AsyncHandler;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * array. Fan-out is not done here but by the store's listener (see {@link Hub}), before the
 * append completes.
 *
 * <p>Idempotency: the store remembers each key with a digest of its request (SHA-256 of the
 * media type and the body bytes). A repeat of the same request answers exactly the first
 * answer (same status and body), with the header {@code Idempotent-Replayed: true}; a
 * different request with a used key is refused with {@code 422} (as the IETF
 * idempotency-key draft does) and publishes nothing.
 *
 * <p>Authorization: the {@link Authenticator} decides the publisher's {@link Access} first (a
 * missing or refused token is a 401); after parsing, every topic of every event must be covered
 * by its {@code mercure.publish} claim, else 403 naming the first topic that is not, and nothing
 * of the request is published.
 *
 * <p>While the hub drains, a publish is answered {@code 503} with {@code Connection: close}, and
 * the connection is closed, so the publisher does not send its next request into it.
 *
 * <p>Threading: thread-safe; parses on a server worker, then returns without waiting: the reply is
 * built when the append completes (on the store's thread) and written by the server, so no worker
 * is held while a group commit gathers publishes. After {@value #APPEND_TIMEOUT_SECONDS} s without
 * a confirmation the answer is 503. A store failure answers 503 and, the append being atomic,
 * nothing of the request was published.
 *
 * <p>With a publisher-chosen id (Mercure's {@code id}, {@link MercureForm}) already taken by a
 * retained event, the answer is {@code 409} and nothing is published.
 *
 * <p>A private update ({@code private}, see {@link PublishParser}) is refused with 400 in open
 * mode ({@link Authenticator#checksTokens()} false), where nobody could receive it.
 */
final class PublishHandler implements AsyncHandler {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final int MAX_KEY_LENGTH = 200;
  /** The header marking an answer replayed for a repeated {@code Idempotency-Key}. */
  static final String REPLAYED = "Idempotent-Replayed";
  private static final long APPEND_TIMEOUT_SECONDS = 30;
  private static final Logger log = LoggerFactory.getLogger(PublishHandler.class);
  /** The 503 of a draining hub; {@code Connection: close} makes the server close the connection after it. */
  private static final Response DRAINING = HubJson.error(503, "Service Unavailable",
      "the hub is shutting down; publish elsewhere or later").header("Connection", "close").build();

  private final HistoryStore store;
  private final PublishParser parser;
  private final HubMetrics metrics;
  private final Admission admission;
  private final Authenticator auth;
  private final PublishRate rate;
  private final boolean mercure;

  PublishHandler(HubConfig config, HistoryStore store, HubMetrics metrics, Admission admission, Authenticator auth,
      PublishRate rate) {
    this(config, store, metrics, admission, auth, rate, false);
  }

  /**
   * With {@code mercure}, the handler of {@code POST /.well-known/mercure}: the body is a
   * Mercure form ({@link MercureForm}) and the answer the update's id as {@code text/plain}.
   */
  PublishHandler(HubConfig config, HistoryStore store, HubMetrics metrics, Admission admission, Authenticator auth,
      PublishRate rate, boolean mercure) {
    this.mercure = mercure;
    this.auth = Objects.requireNonNull(auth, "auth == null");
    this.rate = Objects.requireNonNull(rate, "rate == null");
    this.store = Objects.requireNonNull(store, "store == null");
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
    this.admission = Objects.requireNonNull(admission, "admission == null");
    this.parser = new PublishParser(config.maxEventTopics(), config.maxBatch());
  }

  /**
   * Answers the publish: 401 from the {@link Authenticator} for a missing or refused token, 400
   * and friends for a bad body, 403 when the token does not cover a topic, else appends.
   */
  @Override
  public CompletionStage<Response> handle(Request request) {
    long start = System.nanoTime();
    Access access = auth.publisher(request); // 401 before the body is even parsed
    Optional<Response> limited = rate.check(access, request.remoteAddress()); // --publish-rate
    if (limited.isPresent()) {
      return CompletableFuture.completedFuture(limited.get());
    }
    if (!admission.enter()) {
      return CompletableFuture.completedFuture(DRAINING);
    }
    CompletableFuture<AppendResult> appended;
    PublishParser.Parsed parsed;
    Optional<String> key;
    String hash;
    try {
      key = idempotencyKey(request);
      String contentType = request.header("Content-Type").orElse("");
      byte[] body = request.body();
      parsed = mercure ? new PublishParser.Parsed(List.of(MercureForm.parse(parser, contentType, body)), false)
          : parser.parse(contentType, body);
      ActiveSubscriptions.refuseReserved(parsed.events, parsed.batch); // only the hub publishes subscription events
      authorize(access, parsed);
      refusePrivateWithoutTokens(parsed);
      hash = key.isPresent() ? requestHash(contentType, body) : "";
      appended = append(parsed.events, key, hash);
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
      if (result.duplicate() && !result.requestHash().isEmpty() && !result.requestHash().equals(hash)) {
        throw new HttpException(422, IDEMPOTENCY_KEY + " '" + key.orElse("") + "' was already used for a different"
            + " request (another content type or body); nothing was published. Use a new key for a new request");
      }
      if (!result.duplicate()) {
        metrics.published(result.size());
      }
      metrics.publishLatency(System.nanoTime() - start);
      return mercure ? mercureReply(result) : reply(result, batch);
    });
  }

  /**
   * 403 unless {@code access} may publish every event of the request (a batch is all or nothing),
   * naming the first topic its {@code mercure.publish} claim does not cover.
   */
  static void authorize(Access access, PublishParser.Parsed parsed) {
    for (int i = 0; i < parsed.events.size(); i++) {
      List<String> topics = parsed.events.get(i).topics();
      if (access.mayPublish(topics)) {
        continue;
      }
      for (String topic : topics) {
        if (!access.publishClaim().covers(topic)) {
          throw new HttpException(403, (parsed.batch ? "item " + i + ": " : "") + "the token may not publish to '"
              + SubscribeHandler.echo(topic) + "': its mercure.publish claim does not cover it; nothing was published");
        }
      }
    }
  }

  /**
   * The answer to a durable append: the same for the first request and its repeats (a repeat
   * with the same digest is the same request, so the same shape), a repeat marked by a header.
   */
  private static Response reply(AppendResult result, boolean batch) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (batch) {
      body.put("ids", result.wireIds());
    } else {
      body.put("id", result.wireIds().get(0));
    }
    Response json = Response.json(200, body);
    if (!result.duplicate()) {
      return json;
    }
    return Response.builder().status(200).header(REPLAYED, "true").body(json.body(), "application/json").build();
  }

  /**
   * Mercure's answer: the update's id as {@code text/plain} (a repeat of an idempotent request
   * marked by a header, as on {@code /publish}).
   */
  private static Response mercureReply(AppendResult result) {
    Response.Builder b = Response.builder().status(200)
        .body(result.wireIds().get(0).getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    if (result.duplicate()) {
      b.header(REPLAYED, "true");
    }
    return b.build();
  }

  /**
   * 400 for a private update in open mode: no subscriber can be authorized to read it (there is
   * no subscriber key), so storing it would only keep it from everyone, or mislead a publisher
   * who believed it protected.
   */
  private void refusePrivateWithoutTokens(PublishParser.Parsed parsed) {
    if (auth.checksTokens()) {
      return;
    }
    for (int i = 0; i < parsed.events.size(); i++) {
      if (parsed.events.get(i).isPrivate()) {
        throw new HttpException(400, (parsed.batch ? "item " + i + ": " : "") + "private updates need a subscriber"
            + " key (--jwt-key or --subscriber-jwt-key): without one no subscriber can be authorized to receive them");
      }
    }
  }

  /** SHA-256 of the media type (lower case, no parameters), a newline and the body, in hex. */
  static String requestHash(String contentType, byte[] body) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    sha.update((PublishParser.mediaType(contentType) + "\n").getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest(body));
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
        throw new HttpException(400, IDEMPOTENCY_KEY + " must be printable ASCII: the character at position " + i
            + String.format(Locale.ROOT, " (U+%04X) is not", (int) c));
      }
    }
    return Optional.of(key);
  }

  /** Starts the append; completes when it is durable, or after {@value #APPEND_TIMEOUT_SECONDS} s. */
  private CompletableFuture<AppendResult> append(List<NewEvent> events, Optional<String> key, String hash) {
    long start = System.nanoTime();
    CompletableFuture<AppendResult> future;
    try {
      future = store.append(events, key, hash);
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
    if (cause instanceof DuplicateIdException) {
      return new HttpException(409, cause.getMessage() + "; nothing was published. Choose a new id (or omit it and"
          + " the hub assigns one)");
    }
    if (cause instanceof IllegalArgumentException) { // the store's word for a bad batch (HistoryStore#append)
      return new HttpException(400, cause.getMessage() + "; nothing was published");
    }
    if (cause instanceof TimeoutException) {
      return new HttpException(503, "the history store did not confirm within " + APPEND_TIMEOUT_SECONDS
          + " s; the events may or may not be published (retry with the same " + IDEMPOTENCY_KEY + ")");
    }
    if (cause instanceof StoreUnavailableException && ((StoreUnavailableException) cause).mayBeStored()) {
      log.warn("History store did not confirm an append of {} events: {}", events, cause.getMessage());
      return new HttpException(503, cause.getMessage() + "; the events may or may not be published (retry with the"
          + " same " + IDEMPOTENCY_KEY + ")", cause);
    }
    log.warn("History store failed an append of {} events", events, cause);
    return new HttpException(503, "the history store failed; nothing was published: " + cause.getMessage(), cause);
  }
}
