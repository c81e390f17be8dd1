package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CORS and limit options ({@link HubLimits}) through {@link Settings} and {@code serve --help}. */
class HubLimitsSettingsTest {
  static final List<String> OPTIONS = List.of("cors-origins", "cors-credentials", "max-connections",
      "max-connections-per-address", "publish-rate", "publish-burst", "max-header-bytes", "metrics-token",
      "metrics-loopback-only");

  @Test
  void defaults() {
    HubLimits l = HubConfig.defaults().limits();
    assertThat(l.corsOrigins()).isEmpty();
    assertThat(l.cors()).isEmpty();
    assertThat(l.maxConnections()).isEqualTo(10_000);
    assertThat(l.maxConnectionsPerAddress()).isEqualTo(1_000);
    assertThat(l.publishRate()).isZero();
    assertThat(l.publishBurst()).isEqualTo(1); // unused while the rate is off
    assertThat(l.maxHeaderBytes()).isEqualTo(16 * 1024);
    assertThat(l.metricsToken()).isEmpty();
    assertThat(l.metricsLoopbackOnly()).isTrue();
  }

  @Test
  void everyLimitOptionIsSettable() {
    HubLimits l = Settings.resolve(null, Map.of(), Map.of("cors-origins", " https://a.example, http://localhost:5173 ,",
        "cors-credentials", "false", "max-connections", "5", "max-connections-per-address", "0", "publish-rate", "3",
        "publish-burst", "7", "max-header-bytes", "4k", "metrics-token", "0123456789abcdef",
        "metrics-loopback-only", "TRUE")).limits();
    assertThat(l.corsOrigins()).containsExactly("https://a.example", "http://localhost:5173");
    assertThat(l.corsCredentials()).isFalse();
    assertThat(l.maxConnections()).isEqualTo(5);
    assertThat(l.maxConnectionsPerAddress()).isZero();
    assertThat(l.publishRate()).isEqualTo(3.0);
    assertThat(l.publishBurst()).isEqualTo(7);
    assertThat(l.maxHeaderBytes()).isEqualTo(4096);
    assertThat(l.metricsToken()).contains("0123456789abcdef");
    assertThat(l.metricsLoopbackOnly()).isTrue();
    assertThat(l.toString()).doesNotContain("0123456789abcdef");
    assertThat(OPTIONS).allSatisfy(o -> assertThat(Settings.OPTIONS).containsKey(o));
  }

  @Test
  void derivedDefaults() {
    HubLimits list = Settings.resolve(null, Map.of(), Map.of("cors-origins", "https://a.example")).limits();
    assertThat(list.corsCredentials()).as("credentials on for listed origins").isTrue();
    HubLimits any = Settings.resolve(null, Map.of(), Map.of("cors-origins", "*")).limits();
    assertThat(any.corsCredentials()).as("never for *").isFalse();
    HubLimits token = Settings.resolve(null, Map.of(), Map.of("metrics-token", "0123456789abcdef")).limits();
    assertThat(token.metricsLoopbackOnly()).as("a token opens /metrics to token holders anywhere").isFalse();
    HubLimits rate = Settings.resolve(null, Map.of("HERALD_PUBLISH_RATE", "10"), Map.of()).limits();
    assertThat(rate.publishBurst()).isEqualTo(50);
    HubLimits slow = Settings.resolve(null, Map.of(), Map.of("publish-rate", "0.05")).limits();
    assertThat(slow.publishRate()).isEqualTo(0.05);
    assertThat(slow.publishBurst()).as("at least one").isEqualTo(1);
  }

  @Test
  void anyOriginWithCredentialsIsRefused() {
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("cors-origins", "*", "cors-credentials", "true")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cors-credentials")
        .hasMessageContaining("'*'").hasMessageContaining("list the origins");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    HubMain.Outcome o = HubMain.start(new String[] {"serve", "--port", "0", "--store", "memory", "--cors-origins", "*",
        "--cors-credentials", "true"}, Map.of(), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(o.exitCode).isEqualTo(HubMain.EXIT_USAGE);
    assertThat(o.hub).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--cors-credentials true cannot be used with --cors-origins '*'");
  }

  @Test
  void badValuesNameTheOption() {
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("cors-origins", "https://a.example/path")))
        .hasMessageContaining("--cors-origins").hasMessageContaining("no path");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("cors-origins", "*,https://a.example")))
        .hasMessageContaining("--cors-origins").hasMessageContaining("cannot be listed together");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("cors-credentials", "yes")))
        .hasMessageContaining("--cors-credentials").hasMessageContaining("'true' or 'false'");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("max-connections", "-1")))
        .hasMessageContaining("--max-connections").hasMessageContaining("from 0");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("publish-rate", "fast")))
        .hasMessageContaining("--publish-rate").hasMessageContaining("e.g. 100 or 0.5");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("publish-rate", "NaN")))
        .hasMessageContaining("--publish-rate").hasMessageContaining("from 0");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("publish-burst", "0")))
        .hasMessageContaining("--publish-burst").hasMessageContaining("from 1");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("max-header-bytes", "100")))
        .hasMessageContaining("--max-header-bytes").hasMessageContaining("from 1024");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("metrics-token", "short")))
        .hasMessageContaining("--metrics-token").hasMessageContaining("at least 16");
  }

  @Test
  void theFlagsReachTheRunningHub() throws Exception {
    HubMain.Outcome o = HubMain.start(new String[] {"serve", "--port", "0", "--store", "memory", "--max-header-bytes", "2k",
        "--cors-origins", "https://app.example", "--metrics-token", "0123456789abcdef"}, Map.of(),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    assertThat(o.hub).isPresent();
    try (Hub hub = o.hub.get()) {
      HubSocket.Answer big = HubSocket.exchange(hub.port(), "127.0.0.1",
          HubSocket.request("GET", "/healthz", null, "Origin: https://app.example", "X-Pad: " + "p".repeat(2100)));
      assertThat(big.status()).isEqualTo(431);
      assertThat(big.body()).contains("at most 2048 bytes");
      HubSocket.Answer ok = HubSocket.exchange(hub.port(), "127.0.0.1",
          HubSocket.request("GET", "/healthz", null, "Origin: https://app.example"));
      assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
      assertThat(HubSocket.exchange(hub.port(), "127.0.0.1", HubSocket.request("GET", "/metrics", null)).status())
          .isEqualTo(401);
    }
  }

  @Test
  void helpStatesTheDefaults() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HubMain.Outcome o = HubMain.start(new String[] {"serve", "--help"}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    assertThat(o.exitCode).isZero();
    String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    assertThat(help).contains("--cors-origins=ORIGINS").contains("default none: no CORS headers")
        .contains("(default 10000)").contains("(default 1000)").contains("--publish-rate=N")
        .contains("default 5 s of --publish-rate").contains("else 431 (default 16k)")
        .contains("--metrics-loopback-only=true|false").contains("(default true, false once --metrics-token is set)");
  }
}
