package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --store redis} and {@code --redis-url} as the hub reads them: the URL is required and
 * checked, its password never shown, {@code HERALD_REDIS_PASSWORD} is no unknown variable, and
 * without herald-redis on the class path (as here) start-up says which module is missing.
 */
class RedisSettingsTest {
  @Test
  void theRedisStoreNeedsAUrlWhosePasswordIsNeverShown() {
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("store", "redis")))
        .hasMessageContaining("--store redis needs --redis-url");
    assertThatThrownBy(() -> Settings.resolve(null, Map.of(), Map.of("store", "redis", "redis-url", "http://:pw123@h:1")))
        .hasMessageContaining("--redis-url").hasMessageContaining("redis://").hasMessageNotContaining("pw123");
    List<String> warnings = new ArrayList<>();
    HubConfig c = Settings.resolve(null, Map.of("HERALD_REDIS_PASSWORD", "x", "HERALD_REDIS_URL", "redis://u:pw123@h:6379/2"),
        Map.of("store", "redis"), warnings::add);
    assertThat(warnings).isEmpty();
    assertThat(c.store()).isEqualTo(StoreKind.REDIS);
    assertThat(c.redisUrl()).hasValue("redis://u:pw123@h:6379/2");
    assertThat(c.redactedRedisUrl()).isEqualTo("redis://u:***@h:6379/2");
    assertThat(c.toString()).contains("redis://u:***@h:6379/2").doesNotContain("pw123");
    assertThat(HubConfig.redactUrl("rediss://pw123@h")).isEqualTo("rediss://***@h");
    assertThat(HubConfig.redactUrl("redis://h:6379")).isEqualTo("redis://h:6379");
  }

  @Test
  void checkListsAMissingRedisUrlAsAProblem() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    HubMain.Outcome o = HubMain.start(new String[] {"serve", "--check", "--store", "redis", "--port", "nope"}, Map.of(),
        new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
    assertThat(o.exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("2 problems").contains("--store redis needs --redis-url").contains("--port");
  }

  @Test
  void withoutTheRedisModuleStartUpNamesIt() {
    HubConfig c = HubConfig.builder().port(0).store(StoreKind.REDIS).redisUrl("redis://127.0.0.1:1").build();
    assertThatThrownBy(() -> Hub.start(c)).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("herald-redis");
  }
}
