package dev.herald.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Publishes updates to a hub: a Herald hub's {@code POST /publish} ({@link #toHerald}: JSON, one
 * update or an all-or-nothing batch) or any Mercure hub's form publish ({@link #toMercure}: one
 * update per request; a batch is refused with {@link IllegalArgumentException}, since separate
 * requests could not be all or nothing).
 *
 * <pre>{@code
 * HubPublisher hub = HubPublisher.toHerald(URI.create("http://127.0.0.1:8080/")).hmacKey(secret).build();
 * PublishResult r = hub.publish(HubUpdate.of("chat/room1", "hello"));   // r.id(): "42"
 * }</pre>
 *
 * <p><b>Exactly once.</b> Each logical publish gets a random {@code Idempotency-Key}, sent with
 * the same body on every attempt: when an attempt was stored but its answer was lost (a timeout,
 * a broken connection, a hub that stopped after storing), the hub answers the retry with the first
 * answer and {@code Idempotent-Replayed: true} ({@link PublishResult#replayed()}) instead of
 * storing it again — within the hub's idempotency window (5 minutes by default). A Mercure hub
 * that does not know the header ignores it: harmless, but a retry there may publish twice.
 *
 * <p><b>Retries.</b> No answer, a timeout, 408, 429 and 5xx are retried after an exponential
 * backoff ({@link Builder#initialBackoff}, doubling up to {@link Builder#maxBackoff}, each delay
 * jittered to 50–100 %) or after the hub's {@code Retry-After} on 429 and 503, until
 * {@link Builder#maxAttempts} or {@link Builder#deadline}; then {@link HubPublishFailedException}
 * with the last cause. Any other status is never retried: {@link HubPublishRejectedException}
 * with the status and the hub's message ({@link HubPublishRejectedException#isAuthorizationFailure()}
 * for 401 and 403).
 *
 * <p><b>Tokens.</b> None, a static bearer token ({@link Builder#bearerToken}), or an HMAC secret
 * ({@link Builder#hmacKey}) from which the publisher mints HS256 JWTs with a {@code mercure.publish}
 * claim ({@link Builder#tokenTopics}, {@code *} by default), valid for {@link Builder#tokenTtl} and
 * replaced once half of that has passed.
 *
 * <p>Thread-safe; immutable once built. {@link #publishAsync} blocks no thread (attempts are sent
 * with {@link HttpClient#sendAsync}, backoffs wait on a shared timer thread).
 */
public final class HubPublisher {
  /** The default number of requests a publish may take. */
  public static final int DEFAULT_MAX_ATTEMPTS = 10;
  /** The default total time a publish may take, retries included. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

  private final Settings settings;
  private final URI uri;
  private final boolean mercure;

  private HubPublisher(Builder b) {
    this.uri = b.uri;
    this.mercure = b.mercure;
    this.settings = new Settings(b);
  }

  /** A builder publishing to the Herald hub at {@code hub} (its base URL): requests go to {@code <hub>/publish}. */
  public static Builder toHerald(URI hub) {
    return new Builder(resolve(hub, "publish"), false);
  }

  /**
   * A builder publishing to the Mercure hub URL {@code hubUrl} as given, e.g.
   * {@code https://example.com/.well-known/mercure} (Herald serves it too).
   */
  public static Builder toMercure(URI hubUrl) {
    return new Builder(Objects.requireNonNull(hubUrl, "hubUrl == null"), true);
  }

  private static URI resolve(URI base, String path) {
    String s = base.toString();
    return URI.create(s.endsWith("/") ? s + path : s + "/" + path);
  }

  /** Where the publishes go. */
  public URI uri() {
    return uri;
  }

  /**
   * Publishes {@code update} and waits for the answer.
   *
   * @throws HubPublishRejectedException the hub refused it (not retried)
   * @throws HubPublishFailedException the retries were spent
   * @throws IllegalArgumentException an update a Herald hub cannot take (an {@link HubUpdate#id()})
   */
  public PublishResult publish(HubUpdate update) {
    return await(publishAsync(update));
  }

  /**
   * Publishes {@code updates} as one all-or-nothing batch (Herald hubs only) and waits for the
   * answer; the ids come in the order of the updates. Throws as {@link #publish(HubUpdate)}, and
   * {@link IllegalArgumentException} for an empty list or on a Mercure publisher.
   */
  public PublishResult publish(List<HubUpdate> updates) {
    return await(publishAsync(updates));
  }

  /**
   * Publishes {@code update} without blocking: the future completes with the result, or
   * exceptionally with a {@link HubPublishRejectedException}, {@link HubPublishFailedException}
   * or {@link HeraldClientException}; cancelling it stops further retries. A bad argument throws
   * {@link IllegalArgumentException} at once.
   */
  public CompletableFuture<PublishResult> publishAsync(HubUpdate update) {
    Objects.requireNonNull(update, "update == null");
    String text = mercure ? PublishWire.mercureForm(update) : PublishWire.heraldJson(List.of(update), false);
    return start(text);
  }

  /** Publishes {@code updates} as one batch without blocking; see {@link #publish(List)} and {@link #publishAsync(HubUpdate)}. */
  public CompletableFuture<PublishResult> publishAsync(List<HubUpdate> updates) {
    List<HubUpdate> copy = List.copyOf(updates);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one update");
    }
    if (mercure) {
      throw new IllegalArgumentException("a Mercure hub takes one update per request, so a batch of " + copy.size()
          + " cannot be all or nothing; publish them one by one, or use a Herald hub (HubPublisher.toHerald)");
    }
    return start(PublishWire.heraldJson(copy, true));
  }

  private CompletableFuture<PublishResult> start(String text) {
    PublishCall call = new PublishCall(settings, uri, mercure ? PublishWire.FORM : PublishWire.JSON,
        text.getBytes(StandardCharsets.UTF_8), UUID.randomUUID().toString(), mercure);
    call.attempt();
    return call.result;
  }

  private static PublishResult await(CompletableFuture<PublishResult> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new HeraldClientException("interrupted while publishing", e);
    } catch (CancellationException e) {
      throw new HeraldClientException("the publish was cancelled", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new HeraldClientException("publish failed: " + e.getCause(), e.getCause());
    }
  }

  /** Told before each retry is scheduled; for logging or metrics. Must not block. */
  @FunctionalInterface
  public interface RetryListener {
    /** Attempt {@code failedAttempt} failed with {@code cause}; the next is sent after {@code delay}. */
    void retrying(int failedAttempt, Duration delay, HeraldClientException cause);
  }

  /** What a call needs, frozen at {@link Builder#build()}. */
  static final class Settings {
    final HttpClient client;
    final HubTokens tokens;
    final int maxAttempts;
    final Duration deadline;
    final Duration requestTimeout;
    final Duration initialBackoff;
    final Duration maxBackoff;
    final RetryListener listener;
    final Timing timing;
    final DoubleSupplier random;

    Settings(Builder b) {
      this.client = b.client;
      this.tokens = b.tokens;
      this.maxAttempts = b.maxAttempts;
      this.deadline = b.deadline;
      this.requestTimeout = b.requestTimeout;
      this.initialBackoff = b.initialBackoff;
      this.maxBackoff = b.maxBackoff;
      this.listener = b.listener;
      this.timing = b.timing;
      this.random = b.random;
    }
  }

  /** Configures a {@link HubPublisher}; not thread-safe. */
  public static final class Builder {
    private final URI uri;
    private final boolean mercure;
    private HttpClient client = Shared.httpClient();
    private HubTokens tokens = HubTokens.none();
    private byte[] secret;
    private List<String> tokenTopics = List.of("*");
    private Duration tokenTtl = Duration.ofMinutes(5);
    private String issuer;
    private String audience;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private RetryListener listener = (attempt, delay, cause) -> { };
    private Timing timing = Timing.SYSTEM;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private Builder(URI uri, boolean mercure) {
      String scheme = Objects.requireNonNull(uri, "uri == null").getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("a hub URL is http or https: " + uri);
      }
      this.uri = uri;
      this.mercure = mercure;
    }

    /** Sends {@code Authorization: Bearer token} with every publish (replaces {@link #hmacKey}). */
    public Builder bearerToken(String token) {
      if (token.isBlank()) {
        throw new IllegalArgumentException("the bearer token is blank");
      }
      this.tokens = HubTokens.bearer(token);
      this.secret = null;
      return this;
    }

    /** Mints HS256 tokens with the hub's HMAC secret (at least 32 bytes, as the hub requires); replaces {@link #bearerToken}. */
    public Builder hmacKey(byte[] secret) {
      if (secret.length < 32) {
        throw new IllegalArgumentException("an HMAC secret has at least 32 bytes, not " + secret.length);
      }
      this.secret = secret.clone();
      return this;
    }

    /** {@link #hmacKey(byte[])} with the UTF-8 bytes of {@code secret}, as the hub reads {@code HERALD_JWT_KEY}. */
    public Builder hmacKey(String secret) {
      return hmacKey(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The selectors of a minted token's {@code mercure.publish} claim; {@code *} (every topic) by default. */
    public Builder tokenTopics(List<String> selectors) {
      List<String> copy = List.copyOf(selectors);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("a publisher token needs at least one selector");
      }
      this.tokenTopics = copy;
      return this;
    }

    /** How long a minted token is valid ({@code exp - iat}), at least a second; 5 minutes by default. */
    public Builder tokenTtl(Duration ttl) {
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("tokenTtl must be at least 1 s: " + ttl);
      }
      this.tokenTtl = ttl;
      return this;
    }

    /** The {@code iss} of minted tokens, for a hub started with {@code --jwt-issuer}. */
    public Builder tokenIssuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer == null");
      return this;
    }

    /** The {@code aud} of minted tokens, for a hub started with {@code --jwt-audience}. */
    public Builder tokenAudience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience == null");
      return this;
    }

    /** How many requests a publish may take, the first included (1: no retry); 10 by default. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The total time a publish may take; no retry is scheduled that would start after it. 30 s by default. */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /** How long one attempt waits for the answer (capped by what is left of the deadline); 10 s by default. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** The delay before the first retry, doubled for each next one; 200 ms by default. */
    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = positive(backoff, "initialBackoff");
      return this;
    }

    /** The longest backoff between two attempts; 5 s by default. */
    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = positive(backoff, "maxBackoff");
      return this;
    }

    /** Told before each retry. */
    public Builder onRetry(RetryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /** The HTTP client to use; by default Herald's shared one. */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client == null");
      return this;
    }

    /** Tests: the clocks and the timer retries wait on, and the jitter's random numbers in [0, 1). */
    Builder timing(Timing timing, DoubleSupplier random) {
      this.timing = timing;
      this.random = random;
      return this;
    }

    private static Duration positive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    /** The publisher. */
    public HubPublisher build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
      }
      if (secret != null) {
        tokens = HubTokens.minting(secret, tokenTopics, tokenTtl, java.util.Optional.ofNullable(issuer),
            java.util.Optional.ofNullable(audience));
      }
      return new HubPublisher(this);
    }
  }
}
