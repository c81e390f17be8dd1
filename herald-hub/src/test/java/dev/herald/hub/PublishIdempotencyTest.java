package dev.herald.hub;

import static dev.herald.hub.HubHttp.form;
import static dev.herald.hub.HubHttp.json;
import static dev.herald.hub.HubHttp.postForm;
import static dev.herald.hub.HubHttp.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Idempotency-Key}: a repeat of the same request (same content type and body) answers
 * exactly the first answer, marked only by {@code Idempotent-Replayed: true}; the key reused
 * for a different request is a 422; an empty or over-long key is a 400. With both stores.
 */
class PublishIdempotencyTest extends HubTestSupport {
  private static final String BATCH = "[{\"topic\":\"pay\",\"data\":\"x\"},{\"topic\":\"pay\",\"data\":\"y\"}]";
  private StoreKind kind = StoreKind.SQLITE;

  @Override
  StoreKind storeKind() {
    return kind;
  }

  /** {@link #BATCH} as JSON, under {@code key}. */
  private static HttpResponse<String> postBatch(Hub hub, String key) {
    return postJson(hub.uri(), BATCH, "Idempotency-Key", key);
  }

  /** One event on topic {@code pay} as a form, under {@code key}. */
  private static HttpResponse<String> postPay(Hub hub, String data, String key) {
    return postForm(hub.uri(), form("topic", "pay", "data", data), "Idempotency-Key", key);
  }

  private static void assertSameAnswer(HttpResponse<String> again, HttpResponse<String> first) {
    assertThat(again.statusCode()).isEqualTo(first.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
    assertThat(first.headers().firstValue(PublishHandler.REPLAYED)).isEmpty();
    assertThat(again.headers().firstValue(PublishHandler.REPLAYED)).hasValue("true");
  }

  private static void assertConflict(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(r).get("status").asInt()).isEqualTo(422);
    assertThat(json(r).get("message").asText()).contains("Idempotency-Key", "different request");
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "MEMORY"})
  void aRepeatAnswersExactlyTheFirstAnswer(StoreKind store) throws Exception {
    kind = store;
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=pay");
    HttpResponse<String> first = postBatch(hub, "order-17");
    assertThat(first.body()).isEqualTo("{\"ids\":[\"1\",\"2\"]}");
    assertSameAnswer(postBatch(hub, "order-17"), first);
    // the media type counts, its parameters and case do not
    assertSameAnswer(HubHttp.post(hub.uri(), "Application/JSON; charset=utf-8", BATCH.getBytes(StandardCharsets.UTF_8),
        "Idempotency-Key", "order-17"), first);

    HttpResponse<String> single = postPay(hub, "z", "k2");
    assertThat(single.body()).isEqualTo("{\"id\":\"3\"}");
    assertSameAnswer(postPay(hub, "z", "k2"), single);

    assertThat(data(sub.next(3))).containsExactly("x", "y", "z");
    assertThat(hub.store().lastId()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "MEMORY"})
  void aKeyReusedForADifferentRequestIs422AndPublishesNothing(StoreKind store) throws Exception {
    kind = store;
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=pay");
    assertThat(postBatch(hub, "k").statusCode()).isEqualTo(200);
    assertConflict(postPay(hub, "x", "k"));
    assertConflict(postJson(hub.uri(), BATCH.replace("\"y\"", "\"Y\""), "Idempotency-Key", "k"));
    assertConflict(postJson(hub.uri(), BATCH.replace(",", ", "), "Idempotency-Key", "k"));
    assertThat(hub.store().lastId()).as("nothing published by a conflicting request").isEqualTo(2);

    HubHttp.publish(hub.uri(), "pay", "marker");
    assertThat(data(sub.next(3))).containsExactly("x", "y", "marker");
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "MEMORY"})
  void aRepeatAfterRetentionRemovedTheEventsStillAnswersTheFirstAnswer(StoreKind store) throws Exception {
    kind = store;
    Hub hub = start(config().retentionEvents(2).build());
    HttpResponse<String> batch = postBatch(hub, "b");
    HttpResponse<String> one = postPay(hub, "z", "one");
    assertThat(one.body()).isEqualTo("{\"id\":\"3\"}");
    for (int i = 0; i < 3; i++) {
      HubHttp.publish(hub.uri(), "pay", "filler " + i); // ids 4..6 push 1..3 out
    }
    hub.store().enforceRetention();
    assertThat(hub.store().readAfter(0, List.of(TopicSelector.parse("pay")), 10)).extracting(StoredEvent::id)
        .as("1..3 are gone").containsExactly(5L, 6L);
    assertSameAnswer(postBatch(hub, "b"), batch);
    assertSameAnswer(postPay(hub, "z", "one"), one);
    assertConflict(postPay(hub, "other", "one"));
    assertThat(hub.store().lastId()).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE"})
  void theRequestIsRememberedAcrossARestart(StoreKind store) throws Exception {
    kind = store;
    Hub hub = start();
    HttpResponse<String> first = postBatch(hub, "durable");
    hub.close();
    Hub again = start();
    assertSameAnswer(postBatch(again, "durable"), first);
    assertConflict(postPay(again, "x", "durable"));
    assertThat(again.store().lastId()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(names = {"MEMORY"})
  void anEmptyOrOverLongKeyIs400(StoreKind store) throws Exception {
    kind = store;
    Hub hub = start();
    for (String header : new String[] {"Idempotency-Key:", "Idempotency-Key: ", "Idempotency-Key:   \t",
        "Idempotency-Key: " + "k".repeat(201)}) {
      String answer = rawExchange(hub.port(), "POST /publish HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\n" + header + "\r\nContent-Length: 14\r\n"
          + "Connection: close\r\n\r\ntopic=a&data=x");
      assertThat(answer).as(header).startsWith("HTTP/1.1 400").contains("application/json")
          .contains("\"message\":\"Idempotency-Key must be 1 to 200 characters");
    }
    assertThat(postForm(hub.uri(), form("topic", "a", "data", "x"), "Idempotency-Key", "k".repeat(200)).statusCode())
        .isEqualTo(200);
    assertThat(hub.store().lastId()).isEqualTo(1);
  }

  private static String rawExchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> data(List<MessageEvent> events) {
    return events.stream().map(MessageEvent::data).collect(Collectors.toList());
  }
}
