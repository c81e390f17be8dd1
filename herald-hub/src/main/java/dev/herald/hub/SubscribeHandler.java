package dev.herald.hub;

import dev.herald.server.CloseReason;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.SseHandler;
import dev.herald.server.SseStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code GET /events?topic=<selector>…}: validates the selectors, registers a
 * {@link Subscription} in the broker (replaying state, live events buffered), then hands the
 * {@link Replay} to the hub's replay executor so the request worker is free at once: the replay
 * sends {@code retry:}, a {@code herald-gap} event when the resume point cannot be honoured,
 * history pages after the resume point paced by the stream's writability, and switches the
 * subscription to live.
 *
 * <p>{@code envelope=1} sends every event unnamed with JSON data that also carries its topics and
 * publish time ({@link StoredEvent#envelope()}); the web UI uses it.
 *
 * <p>Resume point ({@link SseStream#lastEventId()}): absent → live only; {@code earliest} →
 * everything retained; a decimal id, or a retained event's publisher-chosen id
 * ({@link HistoryStore#positionOf}) → the events after it. An id that is neither ({@code invalid}), above the store's last id ({@code unknown}) or below its trimmed id
 * ({@code trimmed}) yields a {@code herald-gap} event whose data is
 * {@code {"lastEventId":…,"reason":…,"oldestAvailable":…}}, then everything retained.
 *
 * <p>Authorization: the subscriber's {@link Access} comes from {@link Authenticator#subscriber}
 * (its 401 goes back as is) and stays with the {@link Subscription}, which lets a private event
 * through only if the access may receive it — live, buffered and replayed alike. A token already
 * expired by the hub's clock is a 401; otherwise the stream is closed when it expires
 * ({@link TokenExpiry}).
 *
 * <p>Threading: thread-safe; {@link #handle} runs on server workers, replays on the replay
 * executor (each replay is sequential and parks while its stream is full; pages are bounded, the
 * whole replay by retention).
 */
final class SubscribeHandler implements SseHandler {
  /** The name of the event telling a client its resume point could not be honoured. */
  static final String GAP_EVENT = "herald-gap";

  private static final int MAX_ECHO = 200;

  private final HubConfig config;
  private final HistoryStore store;
  private final Broker broker;
  private final HubMetrics metrics;
  private final Admission admission;
  private final Executor replays;
  private final int maxPending;
  private final Authenticator auth;
  private final ConnectionLimiter connections;
  private final TokenExpiry expiry;
  private final boolean mercure;
  private final ActiveSubscriptions active;

  SubscribeHandler(HubConfig config, HistoryStore store, Broker broker, HubMetrics metrics, Admission admission,
      Executor replays, int maxPending, Authenticator auth, ConnectionLimiter connections, TokenExpiry expiry) {
    this(config, store, broker, metrics, admission, replays, maxPending, auth, connections, expiry, false,
        ActiveSubscriptions.disabled());
  }

  /**
   * With {@code mercure}, the handler of {@code GET /.well-known/mercure} ({@link MercureSubscribe}
   * says what differs: where the resume point comes from, the {@code Last-Event-ID} response header,
   * no envelopes). {@code active} is told of every subscription accepted ({@code --subscriptions}).
   */
  SubscribeHandler(HubConfig config, HistoryStore store, Broker broker, HubMetrics metrics, Admission admission,
      Executor replays, int maxPending, Authenticator auth, ConnectionLimiter connections, TokenExpiry expiry,
      boolean mercure, ActiveSubscriptions active) {
    this.mercure = mercure;
    this.active = Objects.requireNonNull(active, "active == null");
    this.auth = Objects.requireNonNull(auth, "auth == null");
    this.connections = Objects.requireNonNull(connections, "connections == null");
    this.expiry = Objects.requireNonNull(expiry, "expiry == null");
    this.config = Objects.requireNonNull(config, "config == null");
    this.store = Objects.requireNonNull(store, "store == null");
    this.broker = Objects.requireNonNull(broker, "broker == null");
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
    this.admission = Objects.requireNonNull(admission, "admission == null");
    this.replays = Objects.requireNonNull(replays, "replays == null");
    this.maxPending = maxPending;
  }

  @Override
  public void handle(Request request, SseStream stream) {
    if (!admission.isOpen()) {
      throw new HttpException(503, "the hub is shutting down");
    }
    Access access = auth.subscriber(request);
    Optional<Instant> expiresAt = access.expiresAt();
    if (expiresAt.isPresent() && expiry.hasExpired(expiresAt.get())) {
      throw new HttpException(401, "the token has expired (exp " + expiresAt.get() + "); subscribe with a fresh one")
          .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }
    List<TopicSelector> selectors = selectors(request.queryAll("topic"));
    Resume resume = resolve(Resume.of(mercure ? MercureSubscribe.lastEventId(request) : stream.lastEventId()));
    if (mercure) {
      MercureSubscribe.responseHeader(resume, store).ifPresent(v -> stream.header("Last-Event-ID", v));
      MercureSubscribe.cacheControl(request).ifPresent(v -> stream.header("Cache-Control", v));
    }
    ConnectionLimiter.Permit permit = connections.acquire(request.remoteAddress()); // 503/429 past a limit
    stream.onClose(reason -> permit.release()); // counted while the stream is open
    Subscription sub = new Subscription(stream, selectors, metrics, maxPending, config.maxBufferedBytes(),
        !mercure && envelope(request), access);
    long lastIdAtRegister = store.lastId(); // before register: a live-only re-read starts here
    broker.register(sub);
    metrics.connectionOpened();
    stream.onClose(reason -> {
      broker.unregister(sub);
      sub.close();
      metrics.connectionClosed();
      if (reason == CloseReason.SLOW_CONSUMER) {
        metrics.slowConsumerClosed();
      }
    });
    expiresAt.ifPresent(at -> expiry.watch(stream, at));
    try {
      replays.execute(new Replay(sub, store, metrics, replays, config.retry(), resume, lastIdAtRegister));
    } catch (RejectedExecutionException e) {
      throw new HttpException(503, "too many subscribers are catching up at once; retry later");
    }
    // accepted: only now is it an active subscription (a refused request never announced one);
    // its end, whatever closes the stream, is announced once
    active.opened(selectors, access).ifPresent(leave -> stream.onClose(reason -> leave.run()));
  }

  /**
   * {@code resume} with a publisher-chosen id found: a last event id that is not decimal is
   * looked up among the retained events' publisher-chosen ids ({@link HistoryStore#positionOf}),
   * and resumes after that event if one has it.
   */
  private Resume resolve(Resume resume) {
    if (resume.kind != Resume.Kind.INVALID || resume.raw.isEmpty()) {
      return resume;
    }
    java.util.OptionalLong at = store.positionOf(resume.raw);
    return at.isPresent() ? new Resume(Resume.Kind.AFTER, at.getAsLong(), resume.raw) : resume;
  }

  /** Whether {@code envelope=1} (or {@code true}) asks for events wrapped with their topics. */
  private static boolean envelope(Request request) {
    Optional<String> v = request.query("envelope");
    if (v.isEmpty() || v.get().equals("0") || v.get().equals("false")) {
      return false;
    }
    if (v.get().equals("1") || v.get().equals("true") || v.get().isEmpty()) {
      return true;
    }
    throw new HttpException(400, "envelope must be 1 or 0 (true or false), got '" + echo(v.get()) + "'");
  }

  /** Parses and de-duplicates the {@code topic} parameters; 400 naming the first bad one. */
  private List<TopicSelector> selectors(List<String> raw) {
    if (raw.isEmpty()) {
      throw new HttpException(400, "at least one topic is required: " + (mercure ? "/.well-known/mercure" : "/events")
          + "?topic=<selector>");
    }
    if (raw.size() > config.maxSubscriptionTopics()) {
      throw new HttpException(400, "too many topics: " + raw.size() + " (at most " + config.maxSubscriptionTopics() + ")");
    }
    Set<TopicSelector> selectors = new LinkedHashSet<>();
    for (String text : raw) {
      try {
        selectors.add(TopicSelector.parse(text));
      } catch (IllegalArgumentException e) {
        throw new HttpException(400, "invalid topic selector '" + echo(text) + "': " + e.getMessage());
      }
    }
    return new ArrayList<>(selectors);
  }

  /** {@code s} cut to a length fit for an error message or a gap event. */
  static String echo(String s) {
    String t = s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "…" : s;
    StringBuilder sb = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < t.length()
          && Character.isLowSurrogate(t.charAt(i + 1)))) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
        if (Character.isHighSurrogate(c)) {
          sb.append(t.charAt(++i));
        }
      }
    }
    return sb.toString();
  }

  /** Where a subscriber resumes, parsed from its last event id. Immutable. */
  static final class Resume {
    enum Kind { LIVE, EARLIEST, AFTER, INVALID }

    final Kind kind;
    final long id;
    final String raw;

    private Resume(Kind kind, long id, String raw) {
      this.kind = kind;
      this.id = id;
      this.raw = raw;
    }

    static Resume of(Optional<String> lastEventId) {
      if (lastEventId.isEmpty()) {
        return new Resume(Kind.LIVE, 0, "");
      }
      String s = lastEventId.get();
      if (s.equals("earliest")) {
        return new Resume(Kind.EARLIEST, 0, s);
      }
      if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return new Resume(Kind.INVALID, 0, s);
      }
      long id;
      try {
        id = Long.parseLong(s);
      } catch (NumberFormatException e) {
        return new Resume(Kind.INVALID, 0, s);
      }
      return new Resume(Kind.AFTER, id, s);
    }
  }
}
