package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property, over real sockets: for random users (subscribe claims, or no token), random public
 * and private updates on random topics, and subscriptions made in a random order among the
 * publishes — live only, from {@code earliest}, after a random id, or resuming another
 * subscription from an id it was sent — every subscriber receives exactly the updates it may
 * read after its resume point, in id order: none it may not (a private update whose topics its
 * claim does not cover), and every one it may. Envelopes list every topic of a public update
 * and only the claim's topics of a private one.
 *
 * <p>The oracle is the test's own: selectors and claims are matched by {@link #matches} and
 * {@link #covers} here, not by the hub's code. Absence is proven by a public marker published
 * last, which must be the next event after the expected ones.
 */
class PrivateDeliveryPropertyTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final List<String> TOPICS = List.of("t/a", "t/b", "u/1/x", "u/2/x", "u/2/y/z");
  private static final List<String> SELECTORS = List.of("t/a", "t/*", "u/**", "u/*/x", "**", "u/1/x", "u/2/*");
  /** Subscribe claims; null: no token (anonymous); "": a token without the claim. */
  private static final List<String> CLAIMS = java.util.Arrays.asList(null, "", "t/a", "u/1/**", "u/*/x", "*",
      "u/2/x t/b", "u/2/**");
  private static final String MARKER = "m";

  enum Kind { LIVE, EARLIEST, AFTER, RESUME }

  /** A step of a run: publish an update, or subscribe. */
  record Step(boolean publish, List<String> topics, boolean isPrivate, int user, List<String> selectors, Kind kind,
      double at, boolean envelope) {
    @Override
    public String toString() {
      return publish ? "publish" + topics + (isPrivate ? " private" : "")
          : "subscribe(user " + user + ", " + selectors + ", " + kind + (kind == Kind.AFTER || kind == Kind.RESUME
              ? " " + String.format("%.2f", at) : "") + (envelope ? ", envelope" : "") + ")";
    }
  }

  record Update(long id, List<String> topics, boolean isPrivate) {}

  /** A subscription made: who, what, from where, what it expects. */
  static final class Sub {
    final String claim;
    final List<String> selectors;
    final long after;
    final boolean envelope;
    final SseTestClient client;

    Sub(String claim, List<String> selectors, long after, boolean envelope, SseTestClient client) {
      this.claim = claim;
      this.selectors = selectors;
      this.after = after;
      this.envelope = envelope;
      this.client = client;
    }

    boolean mayRead(Update u) {
      boolean selected = u.topics.stream().anyMatch(t -> selectors.stream().anyMatch(s -> matches(s, t)));
      return selected && (!u.isPrivate || u.topics.stream().anyMatch(t -> covers(claim, t)));
    }

    List<Long> expected(List<Update> updates) {
      return updates.stream().filter(u -> u.id > after && mayRead(u)).map(Update::id).collect(Collectors.toList());
    }

    /** The topics its envelope of {@code u} may list: all of a public update, the claim's of a private one. */
    List<String> shown(Update u) {
      return u.topics.stream().filter(t -> !u.isPrivate || covers(claim, t)).sorted().collect(Collectors.toList());
    }
  }

  /**
   * The hub's authenticator for the run and how a subscriber presents its claim: the two places
   * to change to run this property with real tokens (a JWT authenticator, a bearer token).
   */
  static Authenticator authenticator() {
    return new TestAuthenticator();
  }

  /** Adds the credentials of a subscriber whose subscribe claim is {@code claim} (null: no token). */
  static void credentials(HttpRequest.Builder request, String claim) {
    if (claim != null) {
      request.header(TestAuthenticator.SUBSCRIBE, claim);
    }
  }

  @Property(tries = 50)
  void everySubscriberGetsExactlyWhatItMayRead(@ForAll("users") List<String> users, @ForAll("steps") List<Step> steps)
      throws Exception {
    HubConfig config = HubConfig.builder().port(0).store(StoreKind.MEMORY).retry(Duration.ofSeconds(5)).build();
    List<Update> updates = new ArrayList<>();
    List<Sub> subs = new ArrayList<>();
    try (Hub hub = Hub.start(config, new MemoryHistoryStore(config.storeLimits()), Subscription.DEFAULT_MAX_PENDING,
        authenticator())) {
      URI u = hub.uri();
      try {
        for (Step step : steps) {
          if (step.publish) {
            updates.add(publish(u, step.topics, step.isPrivate, "e" + updates.size()));
          } else {
            subs.add(subscribe(u, users, step, updates, subs));
          }
        }
        long marker = publish(u, List.of(MARKER), false, "marker").id;
        for (Sub s : subs) {
          List<Long> want = new ArrayList<>(s.expected(updates));
          want.add(marker);
          List<MessageEvent> got = new ArrayList<>();
          while (got.isEmpty() || !got.get(got.size() - 1).lastEventId().equals(Long.toString(marker))) {
            got.add(s.client.next(T).orElseThrow(() -> new AssertionError("no event after " + got.size())));
          }
          assertThat(got).extracting(e -> Long.parseLong(e.lastEventId()))
              .as("claim %s, selectors %s, after %d", s.claim, s.selectors, s.after).isEqualTo(want);
          if (s.envelope) {
            for (int i = 0; i < got.size() - 1; i++) {
              Update up = updates.get((int) (want.get(i) - 1));
              JsonNode env = HubHttp.parse(got.get(i).data());
              assertThat(env.get("topics")).extracting(JsonNode::asText).as("envelope of %s", up)
                  .containsExactlyElementsOf(s.shown(up));
              assertThat(env.path("private").asBoolean(false)).isEqualTo(up.isPrivate);
            }
          }
        }
      } finally {
        subs.forEach(s -> s.client.close());
      }
    }
  }

  private static Update publish(URI hub, List<String> topics, boolean isPrivate, String data) {
    String json = "{\"topics\":[" + topics.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","))
        + "],\"data\":\"" + data + "\",\"private\":" + isPrivate + "}";
    HttpResponse<String> r = HubHttp.postJson(hub, json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new Update(Long.parseLong(HubHttp.json(r).get("id").asText()), topics, isPrivate);
  }

  private static Sub subscribe(URI hub, List<String> users, Step step, List<Update> updates, List<Sub> earlier)
      throws Exception {
    String claim = users.get(step.user % users.size());
    List<String> selectors = step.selectors;
    long after;
    String lastEventId;
    long lastId = updates.isEmpty() ? 0 : updates.get(updates.size() - 1).id;
    switch (step.kind == Kind.RESUME && earlier.isEmpty() ? Kind.EARLIEST : step.kind) {
      case LIVE:
        after = lastId;
        lastEventId = null;
        break;
      case EARLIEST:
        after = 0;
        lastEventId = "earliest";
        break;
      case AFTER:
        after = (long) Math.floor(step.at * lastId);
        lastEventId = Long.toString(after);
        break;
      case RESUME: {
        // reconnect as an earlier subscriber, from an id it was sent (or its own start)
        Sub from = earlier.get((int) (step.at * earlier.size()) % earlier.size());
        claim = from.claim;
        selectors = from.selectors;
        List<Long> seen = from.expected(updates);
        after = seen.isEmpty() ? from.after : seen.get((int) (step.at * seen.size()) % seen.size());
        lastEventId = Long.toString(after);
        break;
      }
      default:
        throw new AssertionError(step.kind);
    }
    StringBuilder query = new StringBuilder("topic=" + MARKER);
    selectors.forEach(s -> query.append("&topic=").append(s));
    if (step.envelope) {
      query.append("&envelope=1");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.resolve("/events?" + query)).header("Accept", "text/event-stream");
    credentials(b, claim);
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = SseTestClient.open(b.GET().build());
    assertThat(c.response().statusCode()).isEqualTo(200);
    c.awaitRetry(); // registered: what is published from now on is owed to it
    return new Sub(claim, selectors, after, step.envelope, c);
  }

  /** The test's own selector matching: {@code *} one segment, a final {@code **} one or more. */
  static boolean matches(String selector, String topic) {
    String[] s = selector.split("/");
    String[] t = topic.split("/");
    for (int i = 0; i < s.length; i++) {
      if (s[i].equals("**")) {
        return t.length > i;
      }
      if (i >= t.length || !(s[i].equals("*") || s[i].equals(t[i]))) {
        return false;
      }
    }
    return s.length == t.length;
  }

  /** Whether subscribe claim {@code claim} (selectors separated by spaces; {@code *} alone: all) covers {@code topic}. */
  static boolean covers(String claim, String topic) {
    if (claim == null || claim.isEmpty()) {
      return false;
    }
    for (String s : claim.split(" ")) {
      if (s.equals("*") || matches(s, topic)) {
        return true;
      }
    }
    return false;
  }

  @Provide
  Arbitrary<List<String>> users() {
    return Arbitraries.of(CLAIMS).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> publish = Combinators.combine(Arbitraries.of(TOPICS).set().ofMinSize(1).ofMaxSize(2),
        Arbitraries.of(true, false)).as((topics, p) -> new Step(true, List.copyOf(topics), p, 0, List.of(), Kind.LIVE, 0,
        false));
    Arbitrary<Step> subscribe = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.of(SELECTORS).set().ofMinSize(1).ofMaxSize(2), Arbitraries.of(Kind.class),
        Arbitraries.doubles().between(0, 0.999).ofScale(3), Arbitraries.of(true, false))
        .as((user, selectors, kind, at, envelope) -> new Step(false, List.of(), false, user, List.copyOf(selectors), kind,
            at, envelope));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, publish), net.jqwik.api.Tuple.of(2, subscribe))
        .list().ofMinSize(1).ofMaxSize(14);
  }
}
