package dev.herald.hub;

import static dev.herald.hub.HubHttp.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.MessageEvent;
import dev.herald.testing.SseTestClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A JSON {@code data} value reaches subscribers as the publisher's JSON text: numbers, string
 * escapes and key order byte for byte, only the whitespace between tokens removed — for one
 * event, for batch items, in history replay and inside the {@code envelope=1} format.
 */
class PublishJsonTextTest extends HubTestSupport {
  /** Values a tree round trip through double or BigDecimal would change; each is sent as written. */
  private static final List<String> EXACT = List.of(
      "1e999999",
      "3.14159265358979323846264338327950288",
      "1e-400",
      "{\"n\":1.10}",
      "-0",
      "1E+2",
      "12345678901234567890123456789",
      "[1.0,-0.0,2.50e-3,true,false,null]",
      "{\"z\":1,\"a\":2,\"m\":{\"k\":[]}}",
      "{\"s\":\"caf\\u00e9 \\\"quoted\\\" \\/ \\n\",\"t\":\"\u00e9\u2603\uD83D\uDE00\"}",
      "true",
      "null");

  private static String jsonEvent(String topic, String data) {
    return "{\"topic\":\"" + topic + "\",\"data\":" + data + "}";
  }

  @Test
  void singleEventsKeepTheExactJsonText() throws Exception {
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=n");
    for (String value : EXACT) {
      HttpResponse<String> r = postJson(hub.uri(), jsonEvent("n", value));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    assertThat(data(sub.next(EXACT.size()))).containsExactlyElementsOf(EXACT);
  }

  @Test
  void batchItemsReplayAndEnvelopesKeepTheExactJsonText() throws Exception {
    Hub hub = start();
    SseTestClient envelope = subscribe(hub.uri(), "topic=b&envelope=1");
    String batch = EXACT.stream().map(v -> jsonEvent("b", v)).collect(Collectors.joining(",", "[", "]"));
    HttpResponse<String> r = postJson(hub.uri(), batch);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

    List<String> inEnvelopes = envelope.next(EXACT.size()).stream()
        .map(e -> HubHttp.parse(e.data()).get("data").textValue()).collect(Collectors.toList());
    assertThat(inEnvelopes).containsExactlyElementsOf(EXACT);

    SseTestClient replayed = subscribe(hub.uri(), "topic=b", "earliest");
    assertThat(data(replayed.next(EXACT.size()))).as("from the history store").containsExactlyElementsOf(EXACT);
  }

  @Test
  void whitespaceBetweenTokensIsRemovedAndNothingElse() throws Exception {
    Hub hub = start();
    SseTestClient sub = subscribe(hub.uri(), "topic=w");
    String pretty = "{\r\n  \"text\" : \"two  spaces\\tand a tab\" ,\n\t\"n\": [ 1.10 , 2e5 ]\n}";
    HttpResponse<String> r = postJson(hub.uri(), "{ \"topic\" : \"w\" ,\n \"data\" :  " + pretty + "  \n}\n");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(sub.next().data()).isEqualTo("{\"text\":\"two  spaces\\tand a tab\",\"n\":[1.10,2e5]}");
  }

  private static List<String> data(List<MessageEvent> events) {
    return events.stream().map(MessageEvent::data).collect(Collectors.toList());
  }
}
