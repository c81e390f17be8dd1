package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>With real tokens, as a user's configuration would run: the hub is started from an
 * {@link AuthConfig} (an HMAC secret, an RSA public key in a PEM file, or an HMAC publisher key
 * with an RSA subscriber key — random per try) through {@link AuthSetup}, so its real
 * {@link JwtAuthenticator} verifies every request. Each user's JWT is minted here with nimbus,
 * its {@code mercure.subscribe} claim the user's random selectors (or absent); a subscription
 * presents it in a random one of the three places (the {@code Authorization} header, the
 * {@code authorization} query parameter, the {@code mercureAuthorization} cookie); users without
 * a token are anonymous ({@code --anonymous}). The publisher's token covers every topic.
 *
 * <p>The oracle is the test's own: selectors and claims are matched by {@link #matches} and
 * {@link #covers} here, not by the hub's code. Absence is proven by a public marker published
 * last, which must be the next event after the expected ones.
 */
class PrivateDeliveryPropertyTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final List<String> TOPICS = List.of("t/a", "t/b", "u/1/x", "u/2/x", "u/2/y/z");
  private static final List<String> SELECTORS = List.of("t/a", "t/*", "u/**", "u/*/x", "**", "u/1/x", "u/2/*",
      "t/{x}", "u/{+rest}", "u/{n}/x", "*");
  /** Subscribe claims; null: no token (anonymous); "": a token without the claim. */
  private static final List<String> CLAIMS = java.util.Arrays.asList(null, "", "t/a", "u/1/**", "u/*/x", "*",
      "u/{n}/x", "u/2/{+rest}", "{+any}",
      "u/2/x t/b", "u/2/**");
  private static final String MARKER = "m";
  /** The hub's time (a {@link TestClock}); the tokens are valid for an hour from it. */
  private static final Instant NOW = HubAuthAttackTest.NOW;
  private static final KeyPair RSA = TestTokens.rsa();
  private static final Path RSA_PEM = rsaPem();

  enum Kind { LIVE, EARLIEST, AFTER, RESUME }

  /** Where a subscription presents its token. */
  enum Place { HEADER, QUERY, COOKIE }

  /** The hub's keys: one HMAC secret, one RSA public key, or HMAC for publishers and RSA for subscribers. */
  enum Keys {
    HMAC, RSA, SPLIT;

    AuthConfig auth() {
      AuthConfig.Builder b = AuthConfig.builder().anonymous(true);
      switch (this) {
        case HMAC:
          return b.jwtKey(TestTokens.SECRET).build();
        case RSA:
          return b.jwtKey("file:" + RSA_PEM).build();
        default:
          return b.publisherJwtKey(TestTokens.SECRET).subscriberJwtKey("file:" + RSA_PEM).build();
      }
    }

    String publisherToken(JWTClaimsSet claims) {
      return this == RSA ? TestTokens.rs256(PrivateDeliveryPropertyTest.RSA, claims)
          : TestTokens.hs256(TestTokens.SECRET, claims);
    }

    String subscriberToken(JWTClaimsSet claims) {
      return this == HMAC ? TestTokens.hs256(TestTokens.SECRET, claims)
          : TestTokens.rs256(PrivateDeliveryPropertyTest.RSA, claims);
    }
  }

  /** A step of a run: publish an update, or subscribe. */
  record Step(boolean publish, List<String> topics, boolean isPrivate, int user, List<String> selectors, Kind kind,
      double at, boolean envelope, Place place) {
    @Override
    public String toString() {
      return publish ? "publish" + topics + (isPrivate ? " private" : "")
          : "subscribe(user " + user + ", " + selectors + ", " + kind + (kind == Kind.AFTER || kind == Kind.RESUME
              ? " " + String.format("%.2f", at) : "") + (envelope ? ", envelope" : "") + ", token in " + place + ")";
    }
  }

  /** The tokens of one run: the publisher's, and one per subscribe claim (minted when first needed). */
  static final class Tokens {
    final Keys keys;
    final String publisher;
    private final Map<String, String> subscribers = new HashMap<>();

    Tokens(Keys keys) {
      this.keys = keys;
      this.publisher = keys.publisherToken(TestTokens.claims(NOW, List.of("*"), null).subject("publisher").build());
    }

    /** The JWT of a user whose subscribe claim is {@code claim} ("": a token without the claim). */
    String subscriber(String claim) {
      return subscribers.computeIfAbsent(claim, c -> keys.subscriberToken(TestTokens.claims(NOW, null,
          c.isEmpty() ? null : Arrays.asList(c.split(" "))).subject("user " + c).build()));
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

  /** Adds the token of a subscriber whose subscribe claim is {@code claim} (null: none) in {@code place}. */
  static String credentials(HttpRequest.Builder request, String claim, Place place, Tokens tokens) {
    if (claim == null) {
      return "";
    }
    String token = tokens.subscriber(claim);
    switch (place) {
      case HEADER:
        request.header("Authorization", "Bearer " + token);
        return "";
      case QUERY:
        return "&authorization=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      default:
        request.header("Cookie", AuthConfig.DEFAULT_COOKIE_NAME + "=" + token);
        return "";
    }
  }

  @Property(tries = 100)
  void everySubscriberGetsExactlyWhatItMayRead(@ForAll Keys keys, @ForAll("users") List<String> users,
      @ForAll("steps") List<Step> steps) throws Exception {
    HubConfig config = HubConfig.builder().port(0).store(StoreKind.MEMORY).retry(Duration.ofSeconds(5))
        .auth(keys.auth()).build();
    List<Update> updates = new ArrayList<>();
    List<Sub> subs = new ArrayList<>();
    Tokens tokens = new Tokens(keys);
    TestClock clock = new TestClock(NOW.toEpochMilli());
    try (Hub hub = Hub.start(config, AuthSetup.of(config, Map.of()), clock, new ManualTimer(clock))) {
      URI u = hub.uri();
      try {
        for (Step step : steps) {
          if (step.publish) {
            updates.add(publish(u, tokens, step.topics, step.isPrivate, "e" + updates.size()));
          } else {
            subs.add(subscribe(u, tokens, users, step, updates, subs));
          }
        }
        long marker = publish(u, tokens, List.of(MARKER), false, "marker").id;
        for (Sub s : subs) {
          List<Long> want = new ArrayList<>(s.expected(updates));
          want.add(marker);
          List<MessageEvent> got = new ArrayList<>();
          while (got.isEmpty() || !got.get(got.size() - 1).lastEventId().equals(Long.toString(marker))) {
            got.add(s.client.next(T).orElseThrow(() -> new AssertionError("no event after " + got.size())));
          }
          assertThat(got).extracting(e -> Long.parseLong(e.lastEventId()))
              .as("claim %s, selectors %s, after %d, received %s", s.claim, s.selectors, s.after, received(got))
              .isEqualTo(want);
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

  /** Every received event as id, event name and data, so a failed assertion says what came. */
  private static String received(List<MessageEvent> got) {
    return got.stream().map(e -> e.lastEventId() + " " + e.event() + " " + e.data())
        .collect(Collectors.joining("; ", "[", "]"));
  }

  private static Update publish(URI hub, Tokens tokens, List<String> topics, boolean isPrivate, String data) {
    String json = "{\"topics\":[" + topics.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","))
        + "],\"data\":\"" + data + "\",\"private\":" + isPrivate + "}";
    HttpResponse<String> r = HubHttp.postJson(hub, json, "Authorization", "Bearer " + tokens.publisher);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new Update(Long.parseLong(HubHttp.json(r).get("id").asText()), topics, isPrivate);
  }

  private static Sub subscribe(URI hub, Tokens tokens, List<String> users, Step step, List<Update> updates,
      List<Sub> earlier) throws Exception {
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
    selectors.forEach(s -> query.append("&topic=").append(java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)));
    if (step.envelope) {
      query.append("&envelope=1");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder().header("Accept", "text/event-stream");
    query.append(credentials(b, claim, step.place, tokens));
    b.uri(hub.resolve("/events?" + query));
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    SseTestClient c = SseTestClient.open(b.GET().build());
    assertThat(c.response().statusCode()).as("subscribe %s", step).isEqualTo(200);
    c.awaitRetry(); // registered: what is published from now on is owed to it
    return new Sub(claim, selectors, after, step.envelope, c);
  }

  /**
   * The test's own selector matching: {@code *} alone every topic, {@code *} one segment, a final
   * {@code **} one or more; for this test's topics (segments of letters and digits, none empty),
   * a template's {@code {x}} segment is the same as {@code *}, and a final {@code {+x}} as
   * {@code **} (or as every topic when it is the whole selector).
   */
  static boolean matches(String selector, String topic) {
    if (selector.equals("*") || selector.equals("{+any}")) {
      return true;
    }
    String[] s = selector.replaceAll("\\{\\+[a-z]+\\}$", "**").replaceAll("\\{[a-z]+\\}", "*").split("/");
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
        false, Place.HEADER));
    Arbitrary<Step> subscribe = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.of(SELECTORS).set().ofMinSize(1).ofMaxSize(2), Arbitraries.of(Kind.class),
        Arbitraries.doubles().between(0, 0.999).ofScale(3), Arbitraries.of(true, false), Arbitraries.of(Place.class))
        .as((user, selectors, kind, at, envelope, place) -> new Step(false, List.of(), false, user,
            List.copyOf(selectors), kind, at, envelope, place));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, publish), net.jqwik.api.Tuple.of(2, subscribe))
        .list().ofMinSize(1).ofMaxSize(14);
  }

  private static Path rsaPem() {
    try {
      Path dir = Files.createTempDirectory("herald-property-keys");
      dir.toFile().deleteOnExit();
      Path pem = TestTokens.publicPem(dir, "subscriber.pem", RSA);
      pem.toFile().deleteOnExit();
      return pem;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
