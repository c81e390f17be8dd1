package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.hub.HubSocket.Answer;
import dev.herald.server.Request;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every limit over real sockets: exceeded, answered with its status and a JSON message naming it
 * and its value, counted in {@code /metrics}, and the hub still serving everyone else. Client
 * addresses {@code 127.0.0.1} and {@code 127.0.0.2} are two clients; the publish rate runs on a
 * clock the test moves.
 */
class HubLimitsTest extends HubTestSupport {
  private static final String ME = "127.0.0.1";
  private static final String OTHER = "127.0.0.2";
  private static final long MS = 1_000_000;

  private final List<HubSocket> sockets = new ArrayList<>();
  private final List<Hub> ownHubs = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000 * MS);

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  @AfterEach
  void closeSockets() throws Exception {
    for (HubSocket s : sockets) {
      s.close();
    }
    ownHubs.forEach(Hub::close);
  }

  private Hub hub(HubLimits.Builder limits) {
    return start(config().limits(limits.nanoTime(now::get).build()).build());
  }

  /** Opens an event stream from {@code from}; returns its answer (the socket stays open, and registered if 200). */
  private Answer stream(Hub hub, String from, String topic) throws Exception {
    HubSocket s = HubSocket.open(hub.port(), from);
    sockets.add(s);
    s.write(HubSocket.request("GET", "/events?topic=" + topic, null, "Accept: text/event-stream"));
    Answer a = s.read();
    if (a.status() == 200) {
      s.readUntil("retry:");
    }
    return a;
  }

  private static String message(Answer a) {
    assertThat(a.header("Content-Type")).as(a.toString()).startsWith("application/json");
    JsonNode json = HubHttp.parse(a.body());
    assertThat(json.get("status").asInt()).isEqualTo(a.status());
    return json.get("message").asText();
  }

  /** {@code herald_limit_refusals_total{limit=…}} as scraped. */
  static long refusals(Hub hub, String limit) {
    HttpResponse<String> r = HubHttp.get(hub.uri(), "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("herald_limit_refusals_total\\{limit=\"" + Pattern.quote(limit) + "\",?} ([0-9.]+)")
        .matcher(r.body());
    assertThat(m.find()).as("counter for %s in %s", limit, r.body()).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  @Test
  void pastMaxConnectionsEveryNewConnectionIs503UntilOneCloses() throws Exception {
    Hub hub = hub(HubLimits.builder().maxConnections(3).maxConnectionsPerAddress(0));
    for (int i = 0; i < 3; i++) {
      assertThat(stream(hub, i == 0 ? OTHER : ME, "lim/a").status()).isEqualTo(200);
    }
    Answer fourth = stream(hub, ME, "lim/a");
    assertThat(fourth.status()).isEqualTo(503);
    assertThat(message(fourth)).isEqualTo("the hub has reached its limit of 3 open connections (--max-connections);"
        + " retry later");
    Answer publish = HubSocket.exchange(hub.port(), OTHER, HubSocket.publish("lim/a", "refused"));
    assertThat(publish.status()).as("a publish is a connection too").isEqualTo(503);
    assertThat(message(publish)).contains("--max-connections");
    assertThat(HubHttp.get(hub.uri(), "/healthz").statusCode()).as("health checks are not counted").isEqualTo(200);
    assertThat(refusals(hub, "max-connections")).isEqualTo(2);
    assertThat(refusals(hub, "max-connections-per-address")).isZero();

    sockets.get(0).close(); // the stream from OTHER
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.connections().open() == 2);
    Answer ok = HubSocket.exchange(hub.port(), OTHER, HubSocket.publish("lim/a", "after"));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(sockets.get(1).readUntil("data: after\n")).doesNotContain("refused");
    assertThat(sockets.get(2).readUntil("data: after\n")).doesNotContain("refused");
    assertThat(hub.connections().open()).as("the publish is no longer counted").isEqualTo(2);
  }

  @Test
  void pastMaxConnectionsPerAddressThatAddressGets429AndOthersAreServed() throws Exception {
    Hub hub = hub(HubLimits.builder().maxConnections(0).maxConnectionsPerAddress(2));
    assertThat(stream(hub, ME, "lim/b").status()).isEqualTo(200);
    assertThat(stream(hub, ME, "lim/b").status()).isEqualTo(200);
    Answer third = stream(hub, ME, "lim/b");
    assertThat(third.status()).isEqualTo(429);
    assertThat(message(third)).isEqualTo("too many open connections from your address: the limit is 2"
        + " (--max-connections-per-address); close one first");
    Answer mine = HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/b", "mine"));
    assertThat(mine.status()).isEqualTo(429);
    assertThat(message(mine)).contains("--max-connections-per-address");

    assertThat(stream(hub, OTHER, "lim/b").status()).as("another address is served").isEqualTo(200);
    Answer theirs = HubSocket.exchange(hub.port(), OTHER, HubSocket.publish("lim/b", "theirs"));
    assertThat(theirs.status()).isEqualTo(200);
    for (int i = 0; i < 2; i++) {
      assertThat(sockets.get(i).readUntil("data: theirs\n")).doesNotContain("mine");
    }
    assertThat(sockets.get(3).readUntil("data: theirs\n")).doesNotContain("mine");
    assertThat(refusals(hub, "max-connections-per-address")).isEqualTo(2);
    assertThat(refusals(hub, "max-connections")).isZero();
  }

  @Test
  void requestsAreCountedOnlyWhileTheyAreAnswered() throws Exception {
    Hub hub = hub(HubLimits.builder().maxConnections(1).maxConnectionsPerAddress(1));
    for (int i = 0; i < 20; i++) { // one at a time: each is the only connection, whatever its answer
      assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/c", "e" + i)).status()).isEqualTo(200);
      assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("", "bad")).status()).isEqualTo(400);
      assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.request("GET", "/nowhere", null)).status()).isEqualTo(404);
      assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.request("GET", "/events?topic=", null)).status())
          .isEqualTo(400);
    }
    assertThat(hub.connections().open()).isZero();
    assertThat(refusals(hub, "max-connections")).isZero();
    assertThat(stream(hub, ME, "lim/c").status()).isEqualTo(200);
  }

  @Test
  void publishesPastTheRateAre429WithRetryAfterAndOtherPublishersAreNotHeldUp() throws Exception {
    Hub hub = hub(HubLimits.builder().publishRate(2).publishBurst(3));
    assertThat(stream(hub, OTHER, "lim/r").status()).isEqualTo(200);
    for (int i = 1; i <= 3; i++) {
      assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/r", "burst" + i)).status()).isEqualTo(200);
    }
    Answer limited = HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/r", "limited"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isEqualTo("1");
    assertThat(message(limited)).isEqualTo("publish rate limit: 2 requests per second per publisher (--publish-rate),"
        + " burst 3 (--publish-burst); retry after 1 s");
    Answer other = HubSocket.exchange(hub.port(), OTHER, HubSocket.publish("lim/r", "other"));
    assertThat(other.status()).as("another address has its own bucket").isEqualTo(200);

    now.addAndGet(600 * MS); // 1.2 tokens back
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/r", "later")).status()).isEqualTo(200);
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/r", "again")).status()).isEqualTo(429);
    assertThat(sockets.get(0).readUntil("data: later\n")).contains("burst3").contains("other")
        .doesNotContain("limited");
    assertThat(refusals(hub, "publish-rate")).isEqualTo(2);
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilATokenIsBack() throws Exception {
    Hub hub = hub(HubLimits.builder().publishRate(0.25).publishBurst(1)); // one every 4 s
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/s", "1")).status()).isEqualTo(200);
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/s", "2")).header("Retry-After")).isEqualTo("4");
    now.addAndGet(1_000 * MS);
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/s", "3")).header("Retry-After")).isEqualTo("3");
    now.addAndGet(2_500 * MS);
    Answer last = HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/s", "4"));
    assertThat(last.header("Retry-After")).isEqualTo("1");
    assertThat(message(last)).contains("0.25 requests per second").contains("retry after 1 s");
    now.addAndGet(500 * MS);
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/s", "5")).status()).isEqualTo(200);
  }

  @Test
  void aTokenSubjectHasOneBucketWhateverItsAddress() throws Exception {
    HubConfig config = config().limits(HubLimits.builder().publishRate(1).publishBurst(2).nanoTime(now::get).build())
        .build();
    Authenticator bySubjectHeader = new Authenticator() {
      @Override
      public Access subscriber(Request request) {
        return Access.open();
      }

      @Override
      public Access publisher(Request request) {
        return Access.token(request.header("X-Test-Subject"), TopicClaim.ALL, TopicClaim.NONE, Optional.empty(),
            Optional.empty());
      }
    };
    Hub hub = Hub.start(config, new MemoryHistoryStore(config.storeLimits()), Subscription.DEFAULT_MAX_PENDING,
        bySubjectHeader);
    ownHubs.add(hub);
    String alice = "X-Test-Subject: alice";
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/t", "a1", alice)).status()).isEqualTo(200);
    assertThat(HubSocket.exchange(hub.port(), OTHER, HubSocket.publish("lim/t", "a2", alice)).status()).isEqualTo(200);
    Answer a3 = HubSocket.exchange(hub.port(), OTHER, HubSocket.publish("lim/t", "a3", alice));
    assertThat(a3.status()).as("alice's bucket is shared by her addresses").isEqualTo(429);
    assertThat(message(a3)).doesNotContain("alice");
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/t", "b1", "X-Test-Subject: bob")).status())
        .as("bob, from alice's address, has his own").isEqualTo(200);
    assertThat(HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/t", "n1")).status())
        .as("no subject: the address's bucket").isEqualTo(200);
    assertThat(refusals(hub, "publish-rate")).isEqualTo(1);
  }

  @Test
  void headersPastMaxHeaderBytesAre431AndCounted() throws Exception {
    Hub hub = hub(HubLimits.builder().maxHeaderBytes(2048));
    assertThat(stream(hub, OTHER, "lim/h").status()).isEqualTo(200);
    Answer big = HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/h", "big", "X-Pad: " + "p".repeat(3000)));
    assertThat(big.status()).isEqualTo(431);
    assertThat(message(big)).isEqualTo("Request header fields too large: together they may have at most 2048 bytes");
    Answer fits = HubSocket.exchange(hub.port(), ME, HubSocket.publish("lim/h", "fits", "X-Pad: " + "p".repeat(1800)));
    assertThat(fits.status()).isEqualTo(200);
    assertThat(sockets.get(0).readUntil("data: fits\n")).doesNotContain("big");
    assertThat(refusals(hub, "max-header-bytes")).isEqualTo(1);
  }

  @Test
  void everyLimitCounterIsScrapedFromTheStart() {
    Hub hub = start();
    for (String limit : HubMetrics.LIMITS) {
      assertThat(refusals(hub, limit)).as(limit).isZero();
    }
  }
}
