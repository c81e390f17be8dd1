package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.SseEvent;
import dev.herald.server.Channel;
import dev.herald.server.Cors;
import dev.herald.server.HeraldServer;
import dev.herald.server.Request;
import dev.herald.server.Response;
import dev.herald.server.Routing;
import dev.herald.testing.HeadlessChromium;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cross-origin {@code EventSource} in headless Chromium: a page served on one server port opens
 * an event stream on another port. With {@link Cors} allowing the page's origin (the README's
 * {@link CrossOriginExample}, and a variant allowing credentials) the page receives the events;
 * without it the browser blocks them and fires {@code onerror}. Skipped where Chromium is not
 * installed (fails instead under {@code CI=true}).
 */
class CorsBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PAGE = """
      <!doctype html><title>cors</title><script>
      window.got = []; window.errors = 0; window.opened = false;
      function start(url, credentials) {
        const es = new EventSource(url, {withCredentials: credentials});
        window.es = es;
        es.onopen = () => { window.opened = true; };
        es.onmessage = e => { window.got.push(e.data); if (window.got.length === 3) es.close(); };
        es.onerror = () => { window.errors++; };
      }
      </script>""";

  private static final BlockingQueue<String> served = new LinkedBlockingQueue<>();
  private static HeraldServer pages;
  private static final Channel everyone = Channel.create();
  private static HeraldServer example;
  private static HeraldServer withCors;
  private static HeraldServer withoutCors;
  private static HeadlessChromium browser;

  private static Routing events(Routing.Builder routing) {
    return routing.sse("/events", (req, stream) -> {
      served.add(req.header("Origin").orElse("-"));
      stream.send("a");
      stream.send("b");
      stream.send("c"); // and stays open: a browser would reconnect to a closed stream
    }).build();
  }

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    pages = HeraldServer.builder().host("127.0.0.1").port(0)
        .routing(Routing.builder().get("/page.html", (Request req) -> Response.html(PAGE)).build()).build().start();
    String origin = "http://127.0.0.1:" + pages.port();
    example = CrossOriginExample.start(0, origin, everyone);
    Cors cors = Cors.builder().allowOrigins(origin).allowCredentials(true).allowHeaders("Last-Event-ID").build();
    withCors = HeraldServer.builder().host("127.0.0.1").port(0).routing(events(Routing.builder().filter(cors)))
        .build().start();
    withoutCors = HeraldServer.builder().host("127.0.0.1").port(0).routing(events(Routing.builder())).build().start();
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    for (HeraldServer s : new HeraldServer[] {pages, example, withCors, withoutCors}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static void openPageAndStream(HeraldServer events, boolean credentials) throws Exception {
    served.clear();
    browser.open(URI.create("http://127.0.0.1:" + pages.port() + "/page.html"));
    browser.script("start(arguments[0], arguments[1]);", "http://127.0.0.1:" + events.port() + "/events", credentials);
    assertThat(served.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the stream's request reached the server, cross-origin")
        .isEqualTo("http://127.0.0.1:" + pages.port());
  }

  @Test
  void theReadmeExampleLetsThePageReceiveBroadcasts() throws Exception {
    browser.open(URI.create("http://127.0.0.1:" + pages.port() + "/page.html"));
    browser.script("start(arguments[0], false);", "http://127.0.0.1:" + example.port() + "/events");
    await("page joined").atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> everyone.size() == 1);
    for (String data : new String[] {"x", "y", "z"}) {
      everyone.send(SseEvent.of(data));
    }
    await("three broadcasts").atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> browser.script("return window.got.length").asInt() == 3);
    assertThat(browser.script("return window.got.join(',')").asText()).isEqualTo("x,y,z");
    await("closed by the page, left the channel").atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> everyone.size() == 0);
  }

  @Test
  void withCorsTheCrossOriginEventSourceReceivesTheEvents() throws Exception {
    openPageAndStream(withCors, false);
    await("three events").atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> browser.script("return window.got.length").asInt() == 3);
    assertThat(browser.script("return window.got.join(',')").asText()).isEqualTo("a,b,c");
    assertThat(browser.script("return window.opened").asBoolean()).isTrue();
    assertThat(browser.script("return window.errors").asInt()).isZero();
  }

  @Test
  void withCorsAndCredentialsTheEventSourceReceivesTheEvents() throws Exception {
    openPageAndStream(withCors, true);
    await("three events with credentials").atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> browser.script("return window.got.length").asInt() == 3);
    assertThat(browser.script("return window.got.join(',')").asText()).isEqualTo("a,b,c");
  }

  @Test
  void withoutCorsTheBrowserBlocksTheStreamAndFiresOnError() throws Exception {
    openPageAndStream(withoutCors, false);
    // a CORS failure is fatal for an EventSource: onerror fires and it closes for good (readyState 2)
    await("onerror and closed").atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> browser.script("return window.errors > 0 && window.es.readyState === 2").asBoolean());
    assertThat(browser.script("return window.got.length").asInt()).as("the server sent three events; none reached the page")
        .isZero();
    assertThat(browser.script("return window.opened").asBoolean()).isFalse();
  }
}
