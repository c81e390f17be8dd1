package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.HeraldServer;
import dev.herald.testing.HeadlessChromium;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's claim about browsers, in headless Chromium: an {@code EventSource} reconnects
 * after the countdown's {@code close()}, and the 204 that answers the reconnect closes it for
 * good. Skipped, with the reason, where Chromium is not installed (a failure with {@code CI=true}).
 */
class CountdownBrowserTest {
  @Test
  void browserReconnectsAfterTheCloseAndStopsForGoodOnThe204() throws Exception {
    HeadlessChromium.unavailable().ifPresent(why -> Assumptions.assumeTrue(false, why));
    HeraldServer server = CountdownExample.start(0, Duration.ofMillis(1));
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      browser.open(server.uri().resolve("/")); // a 404 page, but of the server's origin
      browser.script("window.seen = []; window.opens = 0; window.errors = [];"
          + "const source = new EventSource('/countdown'); window.source = source;"
          + "source.onopen = () => window.opens++;"
          + "source.onmessage = (e) => window.seen.push(e.lastEventId + ':' + e.data);"
          + "source.onerror = () => window.errors.push(source.readyState);");
      await("EventSource closed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> browser.script("return window.source.readyState").asInt() == 2);
      JsonNode state = browser.script("return {seen: window.seen, opens: window.opens, errors: window.errors}");
      assertThat(strings(state.get("seen"))).containsExactly("5:5", "4:4", "3:3", "2:2", "1:1");
      assertThat(state.get("opens").asInt()).as("one stream: the reconnect got no second one").isEqualTo(1);
      // the end of the stream: error while CONNECTING (0), it reconnects; the 204: error and CLOSED (2)
      assertThat(strings(state.get("errors"))).containsExactly("0", "2");
    } finally {
      server.close();
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
