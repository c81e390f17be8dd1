package dev.herald.hub;

import static dev.herald.hub.HubHttp.form;
import static dev.herald.hub.HubHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.SseTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every malformed publish or subscribe gets a precise 4xx with a JSON body naming the problem;
 * nothing is published, and the hub keeps working.
 */
class HubBadInputTest extends HubTestSupport {
  private Hub hub;
  private URI u;

  @BeforeEach
  void startHub() {
    hub = start(config().maxEventTopics(2).maxBatch(3).maxSubscriptionTopics(3).maxBodyBytes(4096).build());
    u = hub.uri();
  }

  @AfterEach
  void nothingWasPublishedAndTheHubStillWorks() throws Exception {
    assertThat(hub.store().lastId()).as("nothing published by bad requests").isZero();
    SseTestClient sub = subscribe(u, "topic=ok", "earliest");
    assertThat(HubHttp.publish(u, "ok", "fine")).isEqualTo(1);
    assertThat(sub.next().data()).isEqualTo("fine");
  }

  private static void assertError(HttpResponse<String> r, int status, String... messageParts) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json(r);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("message").asText()).contains(messageParts);
  }

  private HttpResponse<String> form(String body) {
    return HubHttp.postForm(u, body);
  }

  private HttpResponse<String> jsonPost(String body) {
    return HubHttp.postJson(u, body);
  }

  @Test
  void badFormFields() {
    assertError(form("data=x"), 400, "at least one topic");
    assertError(form("topic=&data=x"), 400, "invalid topic", "empty");
    assertError(form("topic=a%20b&data=x"), 400, "invalid topic", "a b");
    assertError(form("topic=a*&data=x"), 400, "invalid topic");
    assertError(form("topic=a&topic=b&topic=c&data=x"), 400, "too many topics", "at most 2");
    assertError(form("topic=a&topic=a&data=x"), 400, "'a' is given twice");
    assertError(form(HubHttp.form("topic", "a", "data", "x", "event", "evil\ndata: forged")), 400, "event", "CR or LF");
    assertError(form("topic=a&data=x&retry=soon"), 400, "retry", "digits");
    assertError(form("topic=a&data=x&retry=-5"), 400, "retry", "digits");
    assertError(form("topic=a&data=x&retry=99999999999999999999"), 400, "retry");
    assertError(form("topic=a&data=x&id=7"), 400, "ids are assigned by the hub");
    assertError(form("topic=a"), 400, "'data' is required");
    assertError(form("topic=a&data=x&data=y"), 400, "'data' is given more than once");
    assertError(form("topic=a&data=x&colour=red"), 400, "unknown field 'colour'");
    // what curl -d '{...}' sends: JSON labelled as a form
    assertError(form("{\"topic\":\"t\",\"data\":1}"), 400, "looks like JSON", "Content-Type: application/json");
    assertError(form("[{\"topic\":\"t\",\"data\":\"a=b&c\"}]"), 400, "looks like JSON", "Content-Type: application/json");
    assertError(form("topic=a&data=%FF%FE"), 400, "'data'", "not valid UTF-8");
    assertError(form("topic=a&data=%G1"), 400, "'data'", "percent");
  }

  @Test
  void badJson() {
    assertError(jsonPost("{\"topic\":\"a\",\"data\":"), 400, "malformed JSON");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"x\"} trailing"), 400, "malformed JSON");
    assertError(jsonPost(""), 400, "empty");
    assertError(jsonPost("\"just a string\""), 400, "JSON object");
    assertError(jsonPost("{\"data\":\"x\"}"), 400, "at least one topic");
    assertError(jsonPost("{\"topics\":[],\"data\":\"x\"}"), 400, "at least one topic");
    assertError(jsonPost("{\"topic\":\"a\",\"topics\":[\"b\"],\"data\":\"x\"}"), 400, "either 'topic' or 'topics'");
    assertError(jsonPost("{\"topics\":[\"a\",3],\"data\":\"x\"}"), 400, "array of strings");
    assertError(jsonPost("{\"topics\":[\"a\",\"b\",\"c\"],\"data\":\"x\"}"), 400, "too many topics");
    assertError(jsonPost("{\"topic\":\"a b\",\"data\":\"x\"}"), 400, "invalid topic");
    assertError(jsonPost("{\"topic\":\"a\",\"event\":\"x\\ry\",\"data\":\"x\"}"), 400, "event", "CR or LF");
    assertError(jsonPost("{\"topic\":\"a\",\"event\":5,\"data\":\"x\"}"), 400, "'event' must be a string");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"x\",\"retry\":-1}"), 400, "'retry'");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"x\",\"retry\":\"100\"}"), 400, "'retry'");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"x\",\"retry\":1.5}"), 400, "'retry'");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"x\",\"id\":\"9\"}"), 400, "ids are assigned by the hub");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"x\",\"colour\":1}"), 400, "unknown field 'colour'");
    assertError(jsonPost("{\"topic\":\"a\"}"), 400, "'data' is required");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"x\",\"data\":\"y\"}"), 400, "malformed JSON", "data");
    assertError(jsonPost("{\"topic\":\"a\",\"data\":\"\\ud800\"}"), 400, "data", "unpaired surrogate");
    byte[] notUtf8 = "{\"topic\":\"a\",\"data\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertError(HubHttp.post(u, PublishParser.JSON, notUtf8), 400, "malformed JSON");
  }

  @Test
  void badBatchesNameTheItemAndPublishNothing() {
    assertError(jsonPost("[]"), 400, "at least one event");
    assertError(jsonPost("[{\"topic\":\"a\",\"data\":\"1\"},{\"topic\":\"a\",\"data\":\"2\"},{\"topic\":\"a\",\"data\":\"3\"},"
        + "{\"topic\":\"a\",\"data\":\"4\"}]"), 400, "at most 3");
    assertError(jsonPost("[{\"topic\":\"a\",\"data\":\"1\"},{\"topic\":\"a b\",\"data\":\"2\"}]"), 400, "item 1: ", "invalid topic");
    assertError(jsonPost("[{\"topic\":\"a\",\"data\":\"1\"},7]"), 400, "item 1: ", "JSON object");
    assertError(jsonPost("[{\"topic\":\"a\",\"data\":\"1\"},{\"topic\":\"a\",\"data\":\"2\",\"retry\":-3}]"), 400, "item 1: ", "retry");
  }

  @Test
  void wrongContentTypeOversizeBodyAndBadIdempotencyKey() {
    assertError(HubHttp.post(u, "text/plain", "topic=a&data=x".getBytes(StandardCharsets.UTF_8)), 415, "Content-Type", "text/plain");
    assertError(HubHttp.post(u, null, "topic=a&data=x".getBytes(StandardCharsets.UTF_8)), 415, "Content-Type");
    assertThat(HubHttp.post(u, "application/json; charset=utf-8", new byte[0]).statusCode()).isEqualTo(400);
    assertError(HubHttp.postForm(u, HubHttp.form("topic", "a", "data", "x".repeat(5000))), 413, "exceeds");
    assertError(HubHttp.postForm(u, HubHttp.form("topic", "a", "data", "x"), "Idempotency-Key", "k".repeat(201)), 400, "Idempotency-Key");
    String raw = rawExchange("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Idempotency-Key: caf\u00e9\r\nContent-Length: 14\r\nConnection: close\r\n\r\ntopic=a&data=x");
    assertThat(raw).startsWith("HTTP/1.1 400").contains("Idempotency-Key must be printable ASCII: the character at position 3 (U+00E9) is not");
  }

  /** Sends {@code request} as ISO-8859-1 bytes on a raw socket and returns the whole answer. */
  private String rawExchange(String request) {
    try (Socket socket = new Socket("127.0.0.1", hub.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void badSubscriptions() throws Exception {
    assertError(HubHttp.get(u, "/events"), 400, "at least one topic");
    assertError(HubHttp.get(u, "/events?topic=a/**/b"), 400, "a/**/b", "last segment");
    assertError(HubHttp.get(u, "/events?topic=a%20b"), 400, "invalid topic selector 'a b'");
    assertError(HubHttp.get(u, "/events?topic=a&topic=b&topic=c&topic=d"), 400, "too many topics");
    assertError(HubHttp.get(u, "/events?topic=a&envelope=yes"), 400, "envelope must be 1 or 0");
    assertThat(rawGet(u, "/events?topic=%zz")).startsWith("HTTP/1.1 400").contains("Malformed query string");
  }

  @Test
  void unknownPathsAndWrongMethods() {
    assertError(HubHttp.get(u, "/nope"), 404, "/nope");
    assertError(HubHttp.get(u, "/nope.html"), 404, "/nope.html");
    HttpResponse<String> getPublish = HubHttp.get(u, "/publish");
    assertError(getPublish, 405, "GET");
    assertThat(getPublish.headers().firstValue("Allow")).hasValue("POST");
    assertError(HubHttp.send(HttpRequest.newBuilder(u.resolve("/events?topic=a"))
        .POST(HttpRequest.BodyPublishers.noBody()).build()), 405, "POST");
    assertError(HubHttp.send(HttpRequest.newBuilder(u.resolve("/healthz")).DELETE().build()), 405, "DELETE");
  }

  /** A GET the JDK client refuses to send (e.g. a bad percent-escape): the raw response text. */
  private static String rawGet(URI hub, String target) throws IOException {
    try (Socket socket = new Socket(hub.getHost(), hub.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
