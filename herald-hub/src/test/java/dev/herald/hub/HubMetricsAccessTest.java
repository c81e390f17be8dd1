package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.hub.HubSocket.Answer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Who may read {@code /metrics}: loopback only by default, a bearer token of its own with
 * {@code --metrics-token}; refusals are 403/401 with a JSON message, and the rest of the hub
 * answers as before. A non-loopback client is this machine reaching its own non-loopback address
 * (the test is skipped where there is none).
 */
class HubMetricsAccessTest extends HubTestSupport {
  private static final String TOKEN = "metrics-secret-0123456789";

  @Override
  StoreKind storeKind() {
    return StoreKind.MEMORY;
  }

  private static String scrape(String... headers) {
    return HubSocket.request("GET", "/metrics", null, headers);
  }

  /** An IPv4 address of this machine that is not loopback, if it has one that is up. */
  private static Optional<String> externalAddress() throws Exception {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return Optional.of(a.getHostAddress());
        }
      }
    }
    return Optional.empty();
  }

  private Hub hubOnEveryInterface(HubLimits limits) {
    // no key: a non-loopback hub must say anonymous publishing is wanted (the metrics are the point here)
    return start(config().host("0.0.0.0").limits(limits)
        .auth(AuthConfig.builder().allowAnonymousPublish(true).build()).build());
  }

  @Test
  void byDefaultOnlyLoopbackClientsGetTheMetrics() throws Exception {
    Optional<String> external = externalAddress();
    assumeTrue(external.isPresent(), "no non-loopback IPv4 address on this machine");
    String ip = external.get();
    Hub hub = hubOnEveryInterface(HubLimits.builder().build());
    Answer local = HubSocket.exchange(hub.port(), "127.0.0.1", scrape());
    assertThat(local.status()).isEqualTo(200);
    assertThat(local.body()).contains("herald_limit_refusals_total");
    try (HubSocket remote = HubSocket.open(ip, hub.port(), ip)) {
      remote.write(scrape());
      Answer a = remote.read();
      assertThat(a.status()).isEqualTo(403);
      assertThat(a.header("Content-Type")).startsWith("application/json");
      assertThat(HubHttp.parse(a.body()).get("message").asText())
          .isEqualTo("/metrics is served to loopback clients only (--metrics-loopback-only); scrape it from this"
              + " machine, or set --metrics-token and scrape with that token");
    }
    try (HubSocket remote = HubSocket.open(ip, hub.port(), ip)) {
      remote.write(HubSocket.request("GET", "/healthz", null));
      assertThat(remote.read().status()).as("the rest of the hub answers remote clients").isEqualTo(200);
    }
  }

  @Test
  void withATokenTheMetricsNeedItFromEveryClient() throws Exception {
    Hub hub = start(config().limits(HubLimits.builder().metricsToken(TOKEN).build()).build());
    Answer none = HubSocket.exchange(hub.port(), "127.0.0.1", scrape());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"herald-metrics\"");
    assertThat(HubHttp.parse(none.body()).get("message").asText())
        .isEqualTo("/metrics needs the metrics token (--metrics-token): send Authorization: Bearer <token>");
    for (String wrong : new String[] {"Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Basic " + TOKEN, "Bearer"}) {
      Answer a = HubSocket.exchange(hub.port(), "127.0.0.1", scrape("Authorization: " + wrong));
      assertThat(a.status()).as(wrong).isEqualTo(401);
      assertThat(HubHttp.parse(a.body()).get("message").asText()).as(wrong)
          .isEqualTo("/metrics refused the credentials: not the metrics token (--metrics-token)");
    }
    Answer right = HubSocket.exchange(hub.port(), "127.0.0.1", scrape("Authorization: bearer " + TOKEN));
    assertThat(right.status()).isEqualTo(200);
    assertThat(right.body()).contains("herald_limit_refusals_total");
    assertThat(HubHttp.get(hub.uri(), "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenOpensTheMetricsToRemoteScrapersUnlessLoopbackOnlyIsAlsoAsked() throws Exception {
    Optional<String> external = externalAddress();
    assumeTrue(external.isPresent(), "no non-loopback IPv4 address on this machine");
    String ip = external.get();
    Hub open = hubOnEveryInterface(HubLimits.builder().metricsToken(TOKEN).build());
    try (HubSocket remote = HubSocket.open(ip, open.port(), ip)) {
      remote.write(scrape("Authorization: Bearer " + TOKEN));
      assertThat(remote.read().status()).isEqualTo(200);
    }
    Hub both = hubOnEveryInterface(HubLimits.builder().metricsToken(TOKEN).metricsLoopbackOnly(true).build());
    try (HubSocket remote = HubSocket.open(ip, both.port(), ip)) {
      remote.write(scrape("Authorization: Bearer " + TOKEN));
      assertThat(remote.read().status()).isEqualTo(403);
    }
    assertThat(HubSocket.exchange(both.port(), "127.0.0.1", scrape("Authorization: Bearer " + TOKEN)).status())
        .isEqualTo(200);
  }

  @Test
  void loopbackOnlyOffServesEveryone() throws Exception {
    Optional<String> external = externalAddress();
    assumeTrue(external.isPresent(), "no non-loopback IPv4 address on this machine");
    String ip = external.get();
    Hub hub = hubOnEveryInterface(HubLimits.builder().metricsLoopbackOnly(false).build());
    try (HubSocket remote = HubSocket.open(ip, hub.port(), ip)) {
      remote.write(scrape());
      assertThat(remote.read().status()).isEqualTo(200);
    }
  }
}
