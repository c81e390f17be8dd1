package dev.herald.hub;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Mercure's subscriptions API (draft-dunglas-mercure, "Subscription API"), served with
 * {@code --subscriptions} from the in-memory registry ({@link ActiveSubscriptions}), never from
 * history:
 * <ul>
 *   <li>{@code GET /.well-known/mercure/subscriptions}: every active subscription;
 *   <li>{@code GET /.well-known/mercure/subscriptions/{topic}}: those with that topic selector;
 *   <li>{@code GET /.well-known/mercure/subscriptions/{topic}/{subscriber}}: one (404 unless active).
 * </ul>
 * Path segments are percent-encoded as in the subscription events' topics (a {@code /} inside a
 * topic is {@code %2F}). A collection is {@code {"@context","id","type":"Subscriptions",
 * "lastEventID","subscriptions":[…]}}, one subscription its event document plus
 * {@code lastEventID}, as {@code application/ld+json}. {@code lastEventID} is the id of the hub's
 * last event as subscribers see it ({@code earliest} before the first), taken before the registry
 * is read, so a subscriber that resumes after it misses no change.
 *
 * <p>Authorization: a subscriber token whose {@code mercure.subscribe} claim covers the request's
 * path (in its canonical encoding, the document's {@code id}) as a topic; 401 without a token, 403
 * when the claim does not cover it. A segment that is not percent-encoded UTF-8 is a 400 (bad
 * escapes the server refuses before routing). With {@code --subscriptions} off every path is a 404
 * saying so. Stateless; thread-safe.
 */
final class SubscriptionsApi {
  static final String CONTENT_TYPE = "application/ld+json";
  private static final List<TopicSelector> EVERY_TOPIC = List.of(TopicSelector.parse("*"));

  private final ActiveSubscriptions registry;
  private final HistoryStore store;
  private final Authenticator auth;

  SubscriptionsApi(ActiveSubscriptions registry, HistoryStore store, Authenticator auth) {
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.store = Objects.requireNonNull(store, "store == null");
    this.auth = Objects.requireNonNull(auth, "auth == null");
  }

  /** {@code GET /.well-known/mercure/subscriptions}. */
  Response all(Request request) {
    String id = ActiveSubscriptions.PREFIX;
    authorize(request, id);
    String last = lastEventId();
    return collection(id, last, registry.all());
  }

  /** {@code GET /.well-known/mercure/subscriptions/{topic}}. */
  Response ofTopic(Request request) {
    off();
    String topic = segment(request, "topic");
    String id = ActiveSubscriptions.PREFIX + "/" + ActiveSubscriptions.encode(topic);
    authorize(request, id);
    String last = lastEventId();
    return collection(id, last, registry.ofTopic(topic));
  }

  /** {@code GET /.well-known/mercure/subscriptions/{topic}/{subscriber}}. */
  Response one(Request request) {
    off();
    String topic = segment(request, "topic");
    String subscriber = segment(request, "subscriber");
    String id = ActiveSubscriptions.idOf(topic, subscriber);
    authorize(request, id);
    String last = lastEventId();
    ActiveSubscriptions.Entry entry = registry.find(topic, subscriber).orElseThrow(() -> new HttpException(404,
        "no active subscription " + SubscribeHandler.echo(id) + " (subscriber '" + SubscribeHandler.echo(subscriber)
            + "' to topic selector '" + SubscribeHandler.echo(topic) + "')"));
    ObjectNode doc = entry.json(true, true);
    doc.put("lastEventID", last);
    return ld(doc);
  }

  private static Response collection(String id, String last, List<ActiveSubscriptions.Entry> entries) {
    ObjectNode doc = HubJson.MAPPER.createObjectNode();
    doc.put("@context", ActiveSubscriptions.CONTEXT).put("id", id).put("type", "Subscriptions")
        .put("lastEventID", last);
    ArrayNode subs = doc.putArray("subscriptions");
    for (ActiveSubscriptions.Entry e : entries) {
      subs.add(e.json(true, false)); // the root's @context applies
    }
    return ld(doc);
  }

  private static Response ld(ObjectNode doc) {
    return Response.builder().status(200).header("Cache-Control", "must-revalidate")
        .body(doc.toString().getBytes(StandardCharsets.UTF_8), CONTENT_TYPE).build();
  }

  /** 404 when subscriptions are not tracked, else 401 without a token, 403 unless its subscribe claim covers {@code path}. */
  private void authorize(Request request, String path) {
    off();
    Access access = auth.subscriber(request); // 401 for a refused token
    if (!access.hasToken()) {
      throw new HttpException(401, "the subscriptions API needs a subscriber token whose mercure.subscribe claim "
          + "covers " + SubscribeHandler.echo(path)).withHeader("WWW-Authenticate", "Bearer");
    }
    if (!access.subscribeClaim().covers(path)) {
      throw new HttpException(403, "the token's mercure.subscribe claim does not cover " + SubscribeHandler.echo(path)
          + " (e.g. " + ActiveSubscriptions.PREFIX + "{/topic}{/subscriber} would)");
    }
  }

  /** 404 when subscriptions are not tracked ({@code --subscriptions} off). */
  private void off() {
    if (!registry.enabled()) {
      throw new HttpException(404, "the subscriptions API is off: start the hub with --subscriptions");
    }
  }

  /** A decoded path segment: 400 if empty or not UTF-8 once decoded (the server decoded it leniently). */
  private static String segment(Request request, String name) {
    String value = request.pathParam(name).orElse("");
    if (value.isEmpty()) {
      throw new HttpException(400, "the {" + name + "} segment of " + ActiveSubscriptions.PREFIX + " is empty");
    }
    if (value.indexOf('\uFFFD') >= 0) {
      throw new HttpException(400, "the {" + name + "} segment of " + ActiveSubscriptions.PREFIX + " is not "
          + "percent-encoded UTF-8 (encode each byte of the value's UTF-8 as %XX)");
    }
    return value;
  }

  /**
   * The id of the hub's last event as subscribers see it ({@link StoredEvent#wireId}); {@code
   * earliest} when the hub has none yet or retention removed it (then nothing older is retained
   * either, so resuming from {@code earliest} misses nothing). One read of at most one event.
   */
  private String lastEventId() {
    long last = store.lastId();
    if (last <= 0) {
      return "earliest";
    }
    List<StoredEvent> at = store.readAfter(last - 1, EVERY_TOPIC, 1);
    Optional<StoredEvent> event = at.stream().filter(e -> e.id() == last).findFirst();
    return event.map(StoredEvent::wireId).orElse("earliest"); // a position is no id a client could send
  }
}
