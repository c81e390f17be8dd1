package dev.herald.hub;

import static dev.herald.hub.HubHttp.form;
import static dev.herald.hub.HubHttp.json;
import static dev.herald.hub.HubHttp.postForm;
import static dev.herald.hub.HubHttp.postJson;
import static dev.herald.hub.HubHttp.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Publish and subscribe over real HTTP: ids, wildcards, once-only delivery, resume, idempotency. */
class HubPubSubTest extends HubTestSupport {

  private static List<String> ids(List<MessageEvent> events) {
    return events.stream().map(MessageEvent::lastEventId).collect(Collectors.toList());
  }

  private static List<String> data(List<MessageEvent> events) {
    return events.stream().map(MessageEvent::data).collect(Collectors.toList());
  }

  @Test
  void formPublishReachesTheSubscriberWithTheHubsId() throws Exception {
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=chat/room1");
    assertThat(sub.response().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));

    HttpResponse<String> r = postForm(hub.uri(), form("topic", "chat/room1", "data", "hello\nworld", "event", "greeting", "retry", "5000"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"id\":\"1\"}");

    MessageEvent e = sub.next();
    assertThat(e.event()).isEqualTo("greeting");
    assertThat(e.data()).isEqualTo("hello\nworld");
    assertThat(e.lastEventId()).isEqualTo("1");

    assertThat(postForm(hub.uri(), "topic=chat/room1&data=").statusCode()).isEqualTo(200);
    MessageEvent empty = sub.next();
    assertThat(empty.data()).isEmpty();
    assertThat(empty.event()).isEqualTo("message");
    assertThat(empty.lastEventId()).isEqualTo("2");
  }

  @Test
  void iriTopicsPublishAndSubscribeWithWildcardsOverTheirSegments() throws Exception {
    Hub hub = start();
    SseTestClient books = subscribe(hub.uri(), "topic=" + java.net.URLEncoder.encode("https://example.com/books/*",
        java.nio.charset.StandardCharsets.UTF_8) + "&topic=urn:isbn:0451450523");
    assertThat(postForm(hub.uri(), form("topic", "https://example.com/books/1/reviews", "data", "not this")).statusCode())
        .isEqualTo(200);
    assertThat(postForm(hub.uri(), form("topic", "https://example.com/books/1", "data", "book")).body())
        .isEqualTo("{\"id\":\"2\"}");
    assertThat(postForm(hub.uri(), form("topic", "urn:isbn:0451450523", "data", "isbn")).body())
        .isEqualTo("{\"id\":\"3\"}");
    assertThat(books.next().data()).isEqualTo("book");
    assertThat(books.next().data()).isEqualTo("isbn");
  }

  @Test
  void jsonPublishOfOneEventAndOfABatch() throws Exception {
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=orders/**");

    HttpResponse<String> one = postJson(hub.uri(), "{\"topic\":\"orders/1\",\"event\":\"created\",\"data\":{\"total\":12.5,\"items\":[1,2]}}");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one).get("id").asText()).isEqualTo("1");

    HttpResponse<String> batch = postJson(hub.uri(),
        "[{\"topics\":[\"orders/2\"],\"data\":\"a\"},{\"topic\":\"orders/3/lines\",\"data\":\"b\",\"retry\":100},{\"topic\":\"other\",\"data\":\"c\"}]");
    assertThat(batch.statusCode()).isEqualTo(200);
    assertThat(batch.body()).isEqualTo("{\"ids\":[\"2\",\"3\",\"4\"]}");

    List<MessageEvent> got = sub.next(3);
    assertThat(got.get(0).event()).isEqualTo("created");
    assertThat(got.get(0).data()).isEqualTo("{\"total\":12.5,\"items\":[1,2]}");
    assertThat(data(got.subList(1, 3))).containsExactly("a", "b");
    assertThat(ids(got)).containsExactly("1", "2", "3");
    assertNothingElseArrives(hub.uri(), "orders/marker", sub); // "other" (id 4) never comes
  }

  @Test
  void wildcardsDeliverWhereTheyMatchAndNowhereElse() throws Exception {
    Hub hub = start();
    URI u = hub.uri();
    SseTestClient star = subscribe(u, "topic=chat/*");
    SseTestClient starMid = subscribe(u, "topic=*/room1");
    SseTestClient deep = subscribe(u, "topic=chat/**");

    publish(u, "chat", "0");
    publish(u, "chat/room1", "1");
    publish(u, "chat/room1/thread", "2");
    publish(u, "news/room1", "3");
    publish(u, "news/room2", "4");
    publish(u, "chat/room2", "5");

    assertThat(data(star.next(2))).containsExactly("1", "5");
    assertThat(data(starMid.next(2))).containsExactly("1", "3");
    assertThat(data(deep.next(3))).containsExactly("1", "2", "5");
    assertNothingElseArrives(u, "chat/room1", star, starMid, deep);
  }

  @Test
  void anEventMatchingSeveralSelectorsOfOneSubscriptionArrivesOnce() throws Exception {
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=a&topic=b&topic=*&topic=a");
    assertThat(postJson(hub.uri(), "{\"topics\":[\"a\",\"b\"],\"data\":\"both\"}").statusCode()).isEqualTo(200);
    publish(hub.uri(), "b", "marker");
    assertThat(data(sub.next(2))).containsExactly("both", "marker");
    assertNothingElseArrives(hub.uri(), "a", sub);
  }

  @Test
  void resumesAfterLastEventIdFromHeaderOrQueryOrFromTheEarliest() throws Exception {
    Hub hub = start();
    URI u = hub.uri();
    for (int i = 1; i <= 5; i++) {
      publish(u, i % 2 == 0 ? "t/even" : "t/odd", "e" + i);
    }
    SseTestClient header = subscribe(u, "topic=t/*", "2");
    assertThat(ids(header.next(3))).containsExactly("3", "4", "5");
    SseTestClient query = subscribe(u, "topic=t/odd&lastEventId=1");
    assertThat(ids(query.next(2))).containsExactly("3", "5");
    SseTestClient earliest = subscribe(u, "topic=t/even", "earliest");
    assertThat(ids(earliest.next(2))).containsExactly("2", "4");
    SseTestClient live = subscribe(u, "topic=t/*");

    publish(u, "t/even", "e6");
    assertThat(header.next().lastEventId()).isEqualTo("6");
    assertThat(earliest.next().lastEventId()).isEqualTo("6");
    assertThat(live.next().lastEventId()).isEqualTo("6");
    assertNothingElseArrives(u, "t/odd", query, header, live); // query (t/odd) never got e6 (t/even)
  }

  @Test
  void aResumePointThatCannotBeHonouredIsSignalledThenEverythingRetainedIsReplayed() throws Exception {
    Hub hub = start(config().retentionEvents(3).build());
    URI u = hub.uri();
    for (int i = 1; i <= 6; i++) {
      publish(u, "t", "e" + i);
    }
    hub.store().enforceRetention();
    assertThat(hub.store().trimmedThrough()).isEqualTo(3);

    SseTestClient trimmed = subscribe(u, "topic=t", "1");
    MessageEvent gap = trimmed.next();
    assertThat(gap.event()).isEqualTo("herald-gap");
    assertThat(gap.data()).isEqualTo("{\"lastEventId\":\"1\",\"reason\":\"trimmed\",\"oldestAvailable\":\"4\"}");
    assertThat(ids(trimmed.next(3))).containsExactly("4", "5", "6");

    SseTestClient unknown = subscribe(u, "topic=t", "999");
    JsonNode unknownGap = HubHttp.parse(unknown.next().data());
    assertThat(unknownGap.get("reason").asText()).isEqualTo("unknown");
    assertThat(unknownGap.get("lastEventId").asText()).isEqualTo("999");
    assertThat(ids(unknown.next(3))).containsExactly("4", "5", "6");

    SseTestClient invalid = subscribe(u, "topic=t", "abc\"<x>");
    MessageEvent invalidGap = invalid.next();
    assertThat(invalidGap.event()).isEqualTo("herald-gap");
    assertThat(HubHttp.parse(invalidGap.data()).get("reason").asText()).isEqualTo("invalid");
    assertThat(HubHttp.parse(invalidGap.data()).get("lastEventId").asText()).isEqualTo("abc\"<x>");
    assertThat(ids(invalid.next(3))).containsExactly("4", "5", "6");

    SseTestClient exact = subscribe(u, "topic=t", "3");
    assertThat(ids(exact.next(3))).as("no gap when nothing after the id was trimmed").containsExactly("4", "5", "6");
    // counted just after the gap event is handed to the stream: the client may see it first
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(hub.metrics().scrape()).contains("herald_gaps_total 3.0"));

    assertNothingElseArrives(u, "t", trimmed, unknown, invalid, exact);
  }

  @Test
  void aRepeatedIdempotencyKeyReturnsTheFirstIdsAndPublishesNothingAgain() throws Exception {
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=pay");
    HttpResponse<String> first = postJson(hub.uri(), "[{\"topic\":\"pay\",\"data\":\"x\"},{\"topic\":\"pay\",\"data\":\"y\"}]",
        "Idempotency-Key", "order-17");
    HttpResponse<String> again = postJson(hub.uri(), "[{\"topic\":\"pay\",\"data\":\"x\"},{\"topic\":\"pay\",\"data\":\"y\"}]",
        "Idempotency-Key", "order-17");
    assertThat(first.body()).isEqualTo("{\"ids\":[\"1\",\"2\"]}");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("{\"ids\":[\"1\",\"2\"]}");
    assertThat(again.headers().firstValue(PublishHandler.REPLAYED)).hasValue("true");
    HttpResponse<String> form = postForm(hub.uri(), form("topic", "pay", "data", "z"), "Idempotency-Key", "k2");
    HttpResponse<String> formAgain = postForm(hub.uri(), form("topic", "pay", "data", "z"), "Idempotency-Key", "k2");
    assertThat(json(formAgain).get("id").asText()).isEqualTo(json(form).get("id").asText()).isEqualTo("3");
    assertThat(formAgain.headers().firstValue(PublishHandler.REPLAYED)).hasValue("true");

    assertThat(data(sub.next(3))).containsExactly("x", "y", "z");
    assertThat(hub.store().lastId()).isEqualTo(3);
    assertThat(assertNothingElseArrives(hub.uri(), "pay", sub)).as("the marker's id: nothing was stored twice").isEqualTo(4);
  }

  @Test
  void aRepeatedKeyStillAnswersItsIdsAfterRetentionRemovedTheEvents() {
    // the memory ring trims as it appends, so no waiting for background retention
    Hub hub = start(config().store(StoreKind.MEMORY).retentionEvents(2).build());
    String batch = "[{\"topic\":\"pay\",\"data\":\"x\"},{\"topic\":\"pay\",\"data\":\"y\"}]";
    assertThat(postJson(hub.uri(), batch, "Idempotency-Key", "b").body()).isEqualTo("{\"ids\":[\"1\",\"2\"]}");
    assertThat(json(postForm(hub.uri(), form("topic", "pay", "data", "z"), "Idempotency-Key", "one")).get("id").asText())
        .isEqualTo("3");
    for (int i = 0; i < 3; i++) {
      publish(hub.uri(), "pay", "filler " + i); // ids 4..6 push 1..3 out of the ring
    }
    HttpResponse<String> again = postJson(hub.uri(), batch, "Idempotency-Key", "b");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("{\"ids\":[\"1\",\"2\"]}");
    HttpResponse<String> single = postForm(hub.uri(), form("topic", "pay", "data", "z"), "Idempotency-Key", "one");
    assertThat(single.body()).isEqualTo("{\"id\":\"3\"}");
    assertThat(single.headers().firstValue(PublishHandler.REPLAYED)).hasValue("true");
    assertThat(hub.store().lastId()).isEqualTo(6);
  }
}
