package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Nginx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's nginx configuration is the one the cluster tests run ({@link Nginx#SITE_RESOURCE}):
 * its "Run a cluster" section quotes that resource exactly, and the fixture changes only ports.
 */
class ClusterReadmeTest {
  @Test
  void theReadmeQuotesTheNginxConfigurationTheTestsRun() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String site = Nginx.siteTemplate();
    String block = "```nginx\n" + site + "```\n";
    assertThat(readme).as("README.md's Run a cluster must quote %s exactly", Nginx.SITE_RESOURCE).contains(block);
  }

  @Test
  void theFixtureChangesOnlyThePorts() {
    String site = Nginx.siteTemplate();
    assertThat(Nginx.site(8080, List.of(8091, 8092, 8093))).isEqualTo(site);
    String other = Nginx.site(18080, List.of(18091, 18092));
    assertThat(other).contains("    listen 127.0.0.1:18080;\n")
        .contains("    server 127.0.0.1:18091 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:18092 max_fails=1 fail_timeout=5s;\n    keepalive 32;")
        .doesNotContain("8093").doesNotContain(":8080");
    assertThat(other.replace("18080", "8080").replace("18091", "8091").replace("    server 127.0.0.1:18092 max_fails=1 fail_timeout=5s;\n", ""))
        .isEqualTo(site.replace("    server 127.0.0.1:8092 max_fails=1 fail_timeout=5s;\n", "")
            .replace("    server 127.0.0.1:8093 max_fails=1 fail_timeout=5s;\n", ""));
  }
}
