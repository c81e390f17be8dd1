package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
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
        Map.entry("max-batch", "10"), Map.entry("idempotency-window", "PT30S")));
    assertThat(c.host()).isEqualTo("0.0.0.0");
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
    assertThat(Settings.OPTIONS).hasSize(14);
  }

  @Test
  void badValuesNameTheOptionAndWhereItCameFrom() throws IOException {
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("port", "http")))
        .hasMessageContaining("--port").hasMessageContaining("command line").hasMessageContaining("'http'");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("port", "70000")))
        .hasMessageContaining("--port").hasMessageContaining("65535");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of("HERALD_HEARTBEAT", "soon"), Map.of()))
        .hasMessageContaining("--heartbeat").hasMessageContaining("HERALD_HEARTBEAT").hasMessageContaining("duration");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("store", "redis")))
        .hasMessageContaining("--store").hasMessageContaining("'sqlite' or 'memory'");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("max-buffered", "12")))
        .hasMessageContaining("--max-buffered").hasMessageContaining("at least 1024");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("retention-age", "0")))
        .hasMessageContaining("--retention-age").hasMessageContaining("positive");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of("HERALD_COLOUR", "blue"), Map.of()))
        .hasMessageContaining("unknown option 'colour'").hasMessageContaining("HERALD_COLOUR");
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
}
