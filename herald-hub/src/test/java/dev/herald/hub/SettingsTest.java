package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsWhenNothingIsSet() {
    HubConfig c = Settings.resolve(null, Map.of(), Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.dataDir()).isEqualTo(Paths.get("herald-data"));
    assertThat(c.store()).isEqualTo(StoreKind.SQLITE);
    assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFile() throws IOException {
    Path file = dir.resolve("herald.properties");
    Files.writeString(file, "port=9001\nheartbeat=5s\nstore=memory\nretention-events=50\n");
    HubConfig c = Settings.resolve(file,
        Map.of("HERALD_PORT", "9002", "HERALD_HEARTBEAT", "7s", "PATH", "/usr/bin"),
        Map.of("port", "9003"));
    assertThat(c.port()).isEqualTo(9003);
    assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.store()).isEqualTo(StoreKind.MEMORY);
    assertThat(c.retentionEvents()).isEqualTo(50);
  }

  @Test
  void everyOptionIsSettable() {
    HubConfig c = Settings.resolve(null, Map.of(), Map.ofEntries(
        Map.entry("host", "0.0.0.0"), Map.entry("port", "0"), Map.entry("data-dir", "/tmp/h"),
        Map.entry("store", "MEMORY"), Map.entry("retention-events", "1_000"), Map.entry("retention-age", "2h"),
        Map.entry("heartbeat", "0"), Map.entry("retry", "500ms"), Map.entry("max-buffered", "64k"),
        Map.entry("max-body", "2m"), Map.entry("max-subscription-topics", "8"), Map.entry("max-event-topics", "4"),
        Map.entry("max-batch", "10"), Map.entry("idempotency-window", "PT30S"),
        Map.entry("jwt-key", "env:K"), Map.entry("publisher-jwt-key", "file:/p"), Map.entry("subscriber-jwt-key", "s"),
        Map.entry("jwt-issuer", "iss"), Map.entry("jwt-audience", "aud"), Map.entry("cookie-name", "tok"),
        Map.entry("anonymous", "TRUE"), Map.entry("allow-anonymous-publish", "false"),
        Map.entry("subscriptions", "true"), Map.entry("redis-url", "redis://h:1/0"),
        Map.entry("redis-timeout", "750ms")));
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.redisUrl()).hasValue("redis://h:1/0");
    assertThat(c.redisTimeout()).isEqualTo(java.time.Duration.ofMillis(750));
    assertThat(c.port()).isZero();
    assertThat(c.dataDir()).isEqualTo(Paths.get("/tmp/h"));
    assertThat(c.retentionEvents()).isEqualTo(1000);
    assertThat(c.retentionAge()).isEqualTo(Duration.ofHours(2));
    assertThat(c.heartbeat()).isZero();
    assertThat(c.retry()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.maxBufferedBytes()).isEqualTo(65536);
    assertThat(c.maxBodyBytes()).isEqualTo(2 << 20);
    assertThat(c.maxSubscriptionTopics()).isEqualTo(8);
    assertThat(c.maxEventTopics()).isEqualTo(4);
    assertThat(c.maxBatch()).isEqualTo(10);
    assertThat(c.idempotencyWindow()).isEqualTo(Duration.ofSeconds(30));
    AuthConfig auth = c.auth();
    assertThat(auth.jwtKey()).hasValue("env:K");
    assertThat(auth.publisherJwtKey()).hasValue("file:/p");
    assertThat(auth.subscriberJwtKey()).hasValue("s");
    assertThat(auth.issuer()).hasValue("iss");
    assertThat(auth.audience()).hasValue("aud");
    assertThat(auth.cookieName()).isEqualTo("tok");
    assertThat(auth.anonymous()).hasValue(true);
    assertThat(auth.allowAnonymousPublish()).isFalse();
    assertThat(c.subscriptions()).isTrue();
    assertThat(c.toBuilder().build().subscriptions()).isTrue();
    assertThat(Settings.OPTIONS).hasSize(25 + HubLimitsSettingsTest.OPTIONS.size()); // the limits: HubLimitsSettingsTest
  }

  @Test
  void badValuesNameTheOptionAndWhereItCameFrom() throws IOException {
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("port", "http")))
        .hasMessageContaining("--port").hasMessageContaining("command line").hasMessageContaining("'http'");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("port", "70000")))
        .hasMessageContaining("--port").hasMessageContaining("65535");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of("HERALD_HEARTBEAT", "soon"), Map.of()))
        .hasMessageContaining("--heartbeat").hasMessageContaining("HERALD_HEARTBEAT").hasMessageContaining("duration");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("store", "bogus")))
        .hasMessageContaining("--store").hasMessageContaining("'sqlite', 'memory' or 'redis'");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("max-buffered", "12")))
        .hasMessageContaining("--max-buffered").hasMessageContaining("from 1024");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("retention-age", "0")))
        .hasMessageContaining("--retention-age").hasMessageContaining("from 1ms");
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "prot=1\n");
    assertThatThrownBy(() -> Settings.resolve(file, Map.of(), Map.of()))
        .hasMessageContaining("unknown option 'prot'").hasMessageContaining(file.toString());
    assertThatThrownBy(() -> Settings.resolve(dir.resolve("missing.properties"), Map.of(), Map.of()))
        .hasMessageContaining("--config").hasMessageContaining("not found");
  }

  @Test
  void unitsParseTheHumanForms() {
    assertThat(Units.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Units.duration("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(Units.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Units.duration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Units.duration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Units.duration("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Units.bytes("65536")).isEqualTo(65536);
    assertThat(Units.bytes("64KiB")).isEqualTo(65536);
    assertThat(Units.bytes("1m")).isEqualTo(1 << 20);
    assertThat(Units.bytes("1g")).isEqualTo(1L << 30);
    assertThatThrownBy(() -> Units.bytes("-1")).hasMessageContaining("not a size");
    assertThatThrownBy(() -> Units.bytes("99999999999999999999")).hasMessageContaining("too large");
    assertThatThrownBy(() -> Units.duration("1 week")).hasMessageContaining("not a duration");
  }

  @Test
  void aBadValueOnlyMattersInTheLayerThatWins() throws IOException {
    Path file = dir.resolve("herald.properties");
    Files.writeString(file, "store=bogus\nheartbeat=soon\nport=http\n");
    HubConfig c = Settings.resolve(file, Map.of("HERALD_STORE", "also-bogus", "HERALD_HEARTBEAT", "5s"),
        Map.of("store", "memory", "port", "0"));
    assertThat(c.store()).isEqualTo(StoreKind.MEMORY);
    assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.port()).isZero();
    assertThatThrownBy(() -> Settings.resolve(file, Map.of("HERALD_STORE", "also-bogus"), Map.of("heartbeat", "1s", "port", "1")))
        .hasMessageContaining("--store").hasMessageContaining("HERALD_STORE").hasMessageContaining("'also-bogus'");
    assertThatThrownBy(() -> Settings.resolve(file, Map.of(), Map.of("store", "memory", "heartbeat", "1s")))
        .hasMessageContaining("--port").hasMessageContaining(file.toString());
  }

  @Test
  void unknownEnvironmentVariablesAreNamedInOneWarningAndIgnored() {
    List<String> warnings = new ArrayList<>();
    HubConfig c = Settings.resolve(null,
        Map.of("HERALD_COLOUR", "blue", "HERALD_HOME", "/opt/herald", "HERALD_PORT", "9004", "PATH", "/usr/bin"),
        Map.of(), warnings::add);
    assertThat(c.port()).isEqualTo(9004);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("HERALD_COLOUR").contains("HERALD_HOME").doesNotContain("HERALD_PORT")
        .doesNotContain("PATH");
    List<String> none = new ArrayList<>();
    Settings.resolve(null, Map.of("HERALD_PORT", "9004", "HERALD_CONFIG", ""), Map.of(), none::add);
    assertThat(none).isEmpty();
  }

  @Test
  void outOfRangeMessagesStateTheRealRange() {
    assertRange("max-body", "3g", "from 1024 to 2147483647");
    assertRange("max-body", "1000", "from 1024 to 2147483647");
    assertRange("max-buffered", "12", "from 1024 to 9223372036854775807");
    assertRange("max-buffered", "99999999999g", "too large");
    assertRange("max-batch", "0", "from 1 to 2147483647");
    assertRange("max-batch", "3000000000", "from 1 to 2147483647");
    assertRange("max-event-topics", "0", "from 1 to 2147483647");
    assertRange("max-subscription-topics", "99999999999", "from 1 to 2147483647");
    assertRange("retention-events", "0", "from 1 to 9223372036854775807");
    assertRange("retention-events", "99999999999999999999", "too large");
    assertRange("port", "-1", "from 0 to 65535");
    assertRange("retention-age", "0", "from 1ms to");
    assertRange("retention-age", "99999999999999999d", "too large");
    assertRange("retention-age", "40000d", "from 1ms to 36500d");
    assertRange("retention-age", "99999999999999999999s", "too large");
    assertRange("idempotency-window", "0", "from 1ms to");
    assertRange("heartbeat", "2d", "from 0 to 1d");
    assertRange("retry", "2d", "from 100ms to 1d");
    assertRange("retry", "0", "from 100ms to 1d");
    assertRange("retry", "99ms", "from 100ms to 1d");
    assertThat(Settings.resolve(null, Map.of(), Map.of("retry", "100ms")).retry()).isEqualTo(Duration.ofMillis(100));
    assertThat(Settings.resolve(null, Map.of(), Map.of("max-body", "1024", "max-buffered", "1k", "heartbeat", "1d",
        "retry", "24h", "retention-age", "1ms", "max-batch", "2147483647")).maxBatch()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aHostMustBeAnAddressOfThisMachine() {
    assertThatThrownBy(() -> Settings.resolve(null, Map.of("HERALD_HOST", "192.0.2.7"), Map.of()))
        .hasMessage("--host (from environment variable HERALD_HOST): not an address of this machine [value: '192.0.2.7']");
    for (String local : new String[] {"127.0.0.1", "localhost", "0.0.0.0", "::1", "::"}) {
      assertThat(Settings.resolve(null, Map.of(), Map.of("host", local)).host()).isEqualTo(local);
    }
  }

  private static void assertRange(String option, String value, String range) {
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of(option, value)))
        .as(option + "=" + value).hasMessageStartingWith("--" + option + " ").hasMessageContaining(range)
        .hasMessageContaining("'" + value + "'");
  }
}
