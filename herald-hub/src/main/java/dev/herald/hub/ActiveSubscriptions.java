package dev.herald.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.server.HttpException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mercure's active subscriptions (draft-dunglas-mercure, "Active Subscriptions"; {@code --subscriptions}):
 * the in-memory registry of the subscriptions open on the hub, and the subscription events
 * published when they open and end.
 *
 * <p>Every subscribing request ({@code /events} and {@code /.well-known/mercure}) gets a
 * subscriber id {@code urn:uuid:<random>}; each of its topic selectors is one subscription. When
 * the request's stream is accepted, {@link #opened} registers them and appends, in one batch, one
 * private update per subscription to the topic
 * {@code /.well-known/mercure/subscriptions/{topic}/{subscriber}} (RFC 6570 simple expansion: all
 * but unreserved characters percent-encoded) whose data is the JSON-LD document {@link Entry#json}
 * with {@code "active":true}; when the stream closes, for any reason, {@link Leave#run} removes them
 * (exactly once) and appends the same documents with {@code "active":false}. The events go through
 * the history store like any publish, so they are retained and resumable.
 *
 * <p>Order: the registry changes before the event is appended, so a reader that takes the store's
 * last id and then the registry ({@link SubscriptionsApi}) and resumes after that id misses no
 * change. A subscription's end is appended after its start (a per-subscriber lock orders them).
 *
 * <p>Threading: thread-safe; the registry is guarded by this object's lock, held only for map
 * updates and copies, never while appending.
 */
final class ActiveSubscriptions {
  /** The path of the subscriptions API and the prefix of every subscription event's topic. */
  static final String PREFIX = "/.well-known/mercure/subscriptions";
  /** The JSON-LD context of the documents (the spec's fixed value). */
  static final String CONTEXT = "https://mercure.rocks/";
  private static final Logger log = LoggerFactory.getLogger(ActiveSubscriptions.class);
  private static final ActiveSubscriptions DISABLED = new ActiveSubscriptions(null);
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final HistoryStore store; // null: disabled
  private final Map<String, Map<String, Entry>> byTopic = new LinkedHashMap<>(); // guarded by this
  private final Set<Leave> open = new LinkedHashSet<>(); // guarded by this

  /** A registry appending its events to {@code store}. */
  ActiveSubscriptions(HistoryStore store) {
    this.store = store;
  }

  /** The registry of a hub without {@code --subscriptions}: tracks nothing, publishes nothing. */
  static ActiveSubscriptions disabled() {
    return DISABLED;
  }

  /** Whether subscriptions are tracked. */
  boolean enabled() {
    return store != null;
  }

  /** One active subscription: its topic selector, subscriber id and the subscriber's {@code mercure.payload}. Immutable. */
  static final class Entry {
    final String topic;
    final String subscriber;
    final String id;
    private final JsonNode payload; // null: none

    Entry(String topic, String subscriber, Optional<JsonNode> payload) {
      this.topic = Objects.requireNonNull(topic, "topic == null");
      this.subscriber = Objects.requireNonNull(subscriber, "subscriber == null");
      this.id = idOf(topic, subscriber);
      this.payload = payload.orElse(null);
    }

    /**
     * The subscription's JSON-LD document: {@code @context} (when {@code context}), {@code id}
     * (the event's topic), {@code type}, {@code topic}, {@code subscriber}, {@code active} and
     * {@code payload} when the token has one.
     */
    ObjectNode json(boolean active, boolean context) {
      ObjectNode o = HubJson.MAPPER.createObjectNode();
      if (context) {
        o.put("@context", CONTEXT);
      }
      o.put("id", id).put("type", "Subscription").put("topic", topic).put("subscriber", subscriber)
          .put("active", active);
      if (payload != null) {
        o.set("payload", payload);
      }
      return o;
    }

    /** The private update announcing that this subscription opened ({@code active}) or ended. */
    NewEvent event(boolean active) {
      return new NewEvent(List.of(id), Optional.empty(), json(active, true).toString(), Optional.empty(), true);
    }
  }

  /**
   * The subscriptions of one request ending: {@link #run} removes them from the registry and
   * publishes their {@code active:false} events, the first time only. Thread-safe.
   */
  final class Leave implements Runnable {
    private final List<Entry> entries;
    private boolean done; // guarded by this

    private Leave(List<Entry> entries) {
      this.entries = entries;
    }

    @Override
    public void run() {
      List<Entry> ended = take();
      if (!ended.isEmpty()) {
        append(ended, false);
      }
    }

    /** Removes the entries from the registry unless already done; the entries removed (none the second time). */
    private synchronized List<Entry> take() {
      if (done) {
        return List.of();
      }
      done = true;
      remove(this);
      return entries;
    }
  }

  /**
   * A request's stream was accepted: registers one subscription per selector under a new
   * subscriber id and publishes their {@code active:true} events. Returns what to run when the
   * stream closes; empty when subscriptions are not tracked.
   */
  Optional<Leave> opened(List<TopicSelector> selectors, Access access) {
    if (!enabled()) {
      return Optional.empty();
    }
    String subscriber = "urn:uuid:" + UUID.randomUUID();
    Optional<JsonNode> payload = access.payload().flatMap(ActiveSubscriptions::parse);
    List<Entry> entries = new ArrayList<>(selectors.size());
    for (TopicSelector s : selectors) {
      entries.add(new Entry(s.text(), subscriber, payload));
    }
    Leave leave = new Leave(List.copyOf(entries));
    synchronized (leave) { // its end, from any thread, waits until its start is appended
      add(leave);
      append(leave.entries, true);
    }
    return Optional.of(leave);
  }

  /**
   * Ends every registered subscription at once (the hub is stopping): one batch of
   * {@code active:false} events, waited for up to {@code timeout}. The streams' own closes find
   * their subscriptions already ended.
   */
  void endAll(Duration timeout) {
    if (!enabled()) {
      return;
    }
    List<Leave> leaves;
    synchronized (this) {
      leaves = new ArrayList<>(open);
    }
    List<Entry> ended = new ArrayList<>();
    for (Leave leave : leaves) {
      ended.addAll(leave.take());
    }
    if (ended.isEmpty()) {
      return;
    }
    CompletableFuture<?> appended = append(ended, false);
    try {
      appended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("The end of {} subscriptions was not recorded at shutdown: {}", ended.size(), e.toString());
    }
  }

  private synchronized void add(Leave leave) {
    open.add(leave);
    for (Entry e : leave.entries) {
      byTopic.computeIfAbsent(e.topic, t -> new LinkedHashMap<>()).put(e.subscriber, e);
    }
  }

  private synchronized void remove(Leave leave) {
    open.remove(leave);
    for (Entry e : leave.entries) {
      Map<String, Entry> subs = byTopic.get(e.topic);
      if (subs != null && subs.remove(e.subscriber) != null) {
        if (subs.isEmpty()) {
          byTopic.remove(e.topic);
        }
      }
    }
  }

  /** Appends the events of {@code entries}; a refusal or failure is logged (the subscription itself goes on). */
  private CompletableFuture<?> append(List<Entry> entries, boolean active) {
    List<NewEvent> events = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      events.add(e.event(active));
    }
    try {
      return store.append(events, Optional.empty()).whenComplete((r, error) -> {
        if (error != null) {
          log.warn("Subscription events ({} x active={}) were not stored: {}", events.size(), active, error.toString());
        }
      });
    } catch (RuntimeException e) {
      log.warn("Subscription events ({} x active={}) were not stored: {}", events.size(), active, e.toString());
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Every active subscription, in the order they opened (per topic selector first seen). */
  synchronized List<Entry> all() {
    List<Entry> out = new ArrayList<>();
    for (Map<String, Entry> subs : byTopic.values()) {
      out.addAll(subs.values());
    }
    return out;
  }

  /** The active subscriptions with topic selector {@code topic}, in the order they opened. */
  synchronized List<Entry> ofTopic(String topic) {
    Map<String, Entry> subs = byTopic.get(topic);
    return subs == null ? List.of() : new ArrayList<>(subs.values());
  }

  /** The active subscription of {@code subscriber} to {@code topic}, if there is one. */
  synchronized Optional<Entry> find(String topic, String subscriber) {
    Map<String, Entry> subs = byTopic.get(topic);
    return subs == null ? Optional.empty() : Optional.ofNullable(subs.get(subscriber));
  }

  /** The id (and event topic) of {@code subscriber}'s subscription to {@code topic}. */
  static String idOf(String topic, String subscriber) {
    return PREFIX + "/" + encode(topic) + "/" + encode(subscriber);
  }

  /**
   * RFC 6570 simple string expansion of {@code value}: unreserved characters (ALPHA, DIGIT,
   * {@code -._~}) as they are, every other UTF-8 byte percent-encoded in upper-case hex.
   */
  static String encode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  /** Whether {@code topic} is in the hub's own namespace of subscription events. */
  static boolean reserved(String topic) {
    return topic.startsWith(PREFIX);
  }

  /**
   * 400 if an event of {@code events} has a topic starting with {@link #PREFIX}: only the hub
   * publishes subscription events (a publisher could otherwise forge them). Nothing is published.
   */
  static void refuseReserved(List<NewEvent> events, boolean batch) {
    for (int i = 0; i < events.size(); i++) {
      for (String topic : events.get(i).topics()) {
        if (reserved(topic)) {
          throw new HttpException(400, (batch ? "item " + i + ": " : "") + "topic '" + SubscribeHandler.echo(topic)
              + "' is reserved: topics starting with " + PREFIX + " carry the hub's own subscription events; "
              + "nothing was published");
        }
      }
    }
  }

  private static Optional<JsonNode> parse(String json) {
    try {
      return Optional.of(HubJson.MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      log.warn("A token's mercure.payload could not be read again as JSON; it is left out of subscription events");
      return Optional.empty();
    }
  }
}
