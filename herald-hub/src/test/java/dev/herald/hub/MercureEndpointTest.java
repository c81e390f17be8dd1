package dev.herald.hub;

import static dev.herald.hub.TestTokens.SECRET;
import static dev.herald.hub.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /.well-known/mercure} over real sockets, rule by rule from the Mercure specification
 * (draft-dunglas-mercure, "Publication" and "Reconnection, State Reconciliation"): the publish
 * fields and the {@code text/plain} answer, private updates, resuming with the
 * {@code Last-Event-ID} header or the {@code lastEventID} query parameter and the
 * {@code Last-Event-ID} response header, publisher-chosen ids, and one history shared with
 * Herald's own {@code /publish} and {@code /events}. Real HS256 tokens ({@link TokenHub}).
 */
class MercureEndpointTest {
  private static final Instant START = HubAuthAttackTest.NOW;
  private static final String BOOK = "https://example.com/books/1";
  private static final String ALTERNATE = "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1";

  private TokenHub hub;
  private MercureHttp mercure;
  private String publisher;
  private String reader; // may read private updates of https://example.com/books/1

  @BeforeEach
  void start() {
    TestClock clock = new TestClock(START.toEpochMilli());
    publisher = TestTokens.hs256(SECRET, claims(START, List.of("*"), null).build());
    reader = TestTokens.hs256(SECRET, claims(START, null, List.of(BOOK)).build());
    hub = new TokenHub(AuthConfig.builder().jwtKey(SECRET).anonymous(true).build(), clock, publisher);
    mercure = new MercureHttp(hub.uri);
  }

  @AfterEach
  void stop() {
    mercure.close();
    hub.close();
  }

  @Test
  void everyPublishFieldReachesTheWireAndTheAnswerIsTheIdAsTextPlain() throws Exception {
    SseTestClient byAlternate = mercure.subscribe("topic=" + enc(ALTERNATE), null);
    String data = "{\n  \"@id\": \"/books/1\",\n\n    \"title\": \"  indented  \"\n}\n";
    String id = mercure.published(publisher, "topic", BOOK, "topic", ALTERNATE, "data", data, "type", "book-updated",
        "retry", "2500", "id", "urn:uuid:e1ee88e2-532a-4d6f-ba70-f0f8bd584022");
    assertThat(id).isEqualTo("urn:uuid:e1ee88e2-532a-4d6f-ba70-f0f8bd584022");

    MessageEvent e = byAlternate.next();
    assertThat(e.lastEventId()).isEqualTo(id);
    assertThat(e.event()).isEqualTo("book-updated");
    assertThat(e.data()).isEqualTo(data);
    assertThat(byAlternate.retries()).contains(Duration.ofMillis(2500));

    String generated = mercure.published(publisher, "topic", BOOK, "data", "no id given");
    assertThat(generated).as("the hub's own id").matches("[0-9]+");
    MessageEvent plain = mercure.subscribe("topic=" + enc(BOOK) + "&lastEventID=" + enc(id), null).next();
    assertThat(plain.lastEventId()).isEqualTo(generated);
    assertThat(plain.event()).as("no type: a message").isEqualTo("message");
    assertThat(plain.data()).isEqualTo("no id given");
  }

  @Test
  void dataIsOptionalAndPrivateIsItsPresenceWhateverItsValue() throws Exception {
    SseTestClient allowed = mercure.subscribe("topic=" + enc(BOOK), reader);
    SseTestClient anonymous = mercure.subscribe("topic=" + enc(BOOK), null);
    for (String value : new String[] {"on", "", "off", "false"}) {
      mercure.published(publisher, "topic", BOOK, "data", "secret " + value, "private", value);
    }
    mercure.published(publisher, "topic", BOOK, "type", "no-data"); // data omitted: an empty update
    mercure.published(publisher, "topic", BOOK, "data", "public marker");

    assertThat(allowed.next(6)).extracting(MessageEvent::data)
        .containsExactly("secret on", "secret ", "secret off", "secret false", "", "public marker");
    assertThat(anonymous.next(2)).as("private updates never reach a subscriber without the claim")
        .extracting(MessageEvent::event, MessageEvent::data)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("no-data", ""),
            org.assertj.core.groups.Tuple.tuple("message", "public marker"));
  }

  @Test
  void resumeByQueryParameterOrHeaderAndTheLastEventIdResponseHeader() throws Exception {
    String first = mercure.published(publisher, "topic", BOOK, "data", "1");
    String second = mercure.published(publisher, "topic", BOOK, "data", "2", "id", "urn:x:2");
    String third = mercure.published(publisher, "topic", BOOK, "data", "3");
    String topic = "topic=" + enc(BOOK);

    SseTestClient byQuery = mercure.subscribe(topic + "&lastEventID=" + first, null);
    assertThat(byQuery.response().headers().firstValue("Last-Event-ID")).hasValue(first);
    assertThat(byQuery.next(2)).extracting(MessageEvent::data).containsExactly("2", "3");

    SseTestClient byHeader = mercure.subscribe(topic + "&lastEventID=" + first, null, "Last-Event-ID", "urn:x:2");
    assertThat(byHeader.response().headers().firstValue("Last-Event-ID")).as("the header takes precedence")
        .hasValue("urn:x:2");
    MessageEvent afterCustom = byHeader.next();
    assertThat(afterCustom.data()).isEqualTo("3");
    assertThat(afterCustom.lastEventId()).isEqualTo(third);

    SseTestClient earliest = mercure.subscribe(topic + "&lastEventID=earliest", null);
    assertThat(earliest.response().headers().firstValue("Last-Event-ID")).hasValue("earliest");
    assertThat(earliest.next(3)).extracting(MessageEvent::lastEventId).containsExactly(first, second, third);

    SseTestClient unknown = mercure.subscribe(topic + "&lastEventID=urn:x:never", null);
    assertThat(unknown.response().headers().firstValue("Last-Event-ID"))
        .as("no preceding event: the subscriber learns it may have missed some").hasValue("earliest");
    MessageEvent gap = unknown.next();
    assertThat(gap.event()).isEqualTo(SubscribeHandler.GAP_EVENT);
    assertThat(HubHttp.parse(gap.data()).get("lastEventId").asText()).isEqualTo("urn:x:never");
    assertThat(unknown.next(3)).extracting(MessageEvent::data).containsExactly("1", "2", "3");

    SseTestClient live = mercure.subscribe(topic, null);
    assertThat(live.response().headers().firstValue("Last-Event-ID")).as("no resume asked, none told").isEmpty();
    mercure.published(publisher, "topic", BOOK, "data", "4");
    assertThat(live.next().data()).isEqualTo("4");
  }

  @Test
  void aTakenIdIsRefusedWith409AndPublishesNothing() throws Exception {
    SseTestClient c = mercure.subscribe("topic=" + enc(BOOK), null);
    assertThat(mercure.published(publisher, "topic", BOOK, "data", "first", "id", "urn:isbn:1")).isEqualTo("urn:isbn:1");
    HttpResponse<String> again = mercure.publish(publisher, "topic", BOOK, "data", "second", "id", "urn:isbn:1");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
        "application/json"));
    assertThat(HubHttp.json(again).toString()).contains("urn:isbn:1").contains("nothing was published");
    mercure.published(publisher, "topic", BOOK, "data", "marker");
    assertThat(c.next(2)).extracting(MessageEvent::data).containsExactly("first", "marker");
    assertThat(hub.hub.store().lastId()).isEqualTo(2);
  }

  @Test
  void anUpdatePublishedEitherWayReachesSubscribersOfBothEndpoints() throws Exception {
    SseTestClient viaMercure = mercure.subscribe("topic=" + enc(BOOK), null);
    SseTestClient viaEvents = hub.subscribe("topic=" + enc(BOOK), null, TokenHub.Place.HEADER, null);

    long heraldId = hub.publish(BOOK, "from /publish", false);
    String mercureId = mercure.published(publisher, "topic", BOOK, "data", "from mercure", "id", "urn:uuid:m1");
    for (SseTestClient c : List.of(viaMercure, viaEvents)) {
      List<MessageEvent> got = c.next(2);
      assertThat(got).extracting(MessageEvent::data).containsExactly("from /publish", "from mercure");
      assertThat(got).extracting(MessageEvent::lastEventId).containsExactly(Long.toString(heraldId), mercureId);
    }
    hub.publish(BOOK, "after", false);
    SseTestClient resumed = hub.subscribe("topic=" + enc(BOOK), null, TokenHub.Place.HEADER, "urn:uuid:m1");
    assertThat(resumed.next().data()).as("/events resumes after a publisher-chosen id too").isEqualTo("after");
  }

  @Test
  void badMercureFieldsAre400WithJsonSayingWhich() {
    String[][] bad = {
        {"id", "#fragment", "start with '#'"},
        {"id", "42", "all digits"},
        {"id", "earliest", "earliest"},
        {"id", "a\nb", "no control characters"},
        {"id", "urn:caf\u00e9", "printable ASCII"},
        {"retry", "1s", "retry"},
        {"type", "herald-gap", "reserved"},
        {"evnet", "x", "unknown field 'evnet'"}};
    for (String[] b : bad) {
      HttpResponse<String> r = mercure.publish(publisher, "topic", BOOK, "data", "x", b[0], b[1]);
      assertThat(r.statusCode()).as("%s=%s: %s", b[0], b[1], r.body()).isEqualTo(400);
      assertThat(HubHttp.json(r).toString()).contains(b[2]);
    }
    HttpResponse<String> noTopic = mercure.publish(publisher, "data", "x");
    assertThat(noTopic.statusCode()).isEqualTo(400);
    HttpResponse<String> json = HubHttp.send(java.net.http.HttpRequest.newBuilder(hub.uri.resolve(MercureHttp.PATH))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + publisher)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"topic\":\"t\",\"data\":\"x\"}")).build());
    assertThat(json.statusCode()).isEqualTo(415);
    assertThat(hub.hub.store().lastId()).as("nothing was published").isZero();
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
