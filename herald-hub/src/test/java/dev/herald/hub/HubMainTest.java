package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubMainTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private HubMain.Outcome run(Map<String, String> env, String... args) {
    return HubMain.start(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void servePrintsTheUrlAndRuns() {
    HubMain.Outcome outcome = run(Map.of(), "serve", "--port", "0", "--data-dir", dir.toString());
    assertThat(outcome.hub).isPresent();
    try {
      String line = out.toString(StandardCharsets.UTF_8);
      assertThat(line).startsWith("Herald hub listening on http://127.0.0.1:")
          .contains(outcome.hub.get().uri().toString()).contains("sqlite in " + dir);
    } finally {
      outcome.hub.get().close();
    }
  }

  @Test
  void badOptionsStopStartUpWithExitCode2AndNameTheOption() {
    HubMain.Outcome outcome = run(Map.of(), "serve", "--port", "nope");
    assertThat(outcome.hub).isEmpty();
    assertThat(outcome.exitCode).isEqualTo(2);
    assertThat(err()).contains("--port").contains("'nope'");
  }

  @Test
  void badEnvironmentValuesNameTheVariable() {
    HubMain.Outcome outcome = run(Map.of("HERALD_STORE", "cassandra"), "serve");
    assertThat(outcome.exitCode).isEqualTo(2);
    assertThat(err()).contains("HERALD_STORE").contains("'sqlite', 'memory' or 'redis'");
  }

  @Test
  void unknownFlagsAndMissingSubcommandPrintUsage() {
    assertThat(run(Map.of(), "serve", "--colour", "blue").exitCode).isEqualTo(2);
    assertThat(err()).contains("--colour").contains("Usage:");
    assertThat(run(Map.of()).exitCode).isEqualTo(2);
  }

  @Test
  void helpListsEveryOption() {
    assertThat(run(Map.of(), "serve", "--help").exitCode).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option : Settings.OPTIONS.keySet()) {
      assertThat(help).contains("--" + option);
    }
    assertThat(help).contains("--config").contains("HERALD_DATA_DIR");
    assertThat(help).contains("Durations: 500ms, 15s, 2m, 1h, 7d, 0 or ISO-8601 (PT1M30S)");
  }

  @Test
  void aPortInUseFailsWithExitCode1() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      HubMain.Outcome outcome = run(Map.of(), "serve", "--port", Integer.toString(taken.getLocalPort()),
          "--store", "memory");
      assertThat(outcome.exitCode).isEqualTo(1);
      assertThat(err()).contains("cannot start").contains("--port " + taken.getLocalPort()).contains("in use");
    }
  }

  @Test
  void aFlagWinsOverABadEnvironmentValue() {
    HubMain.Outcome outcome = run(Map.of("HERALD_STORE", "bogus"), "serve", "--store", "memory", "--port", "0");
    assertThat(outcome.hub).as(err()).isPresent();
    outcome.hub.get().close();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("store: memory");
  }

  @Test
  void unknownHeraldVariablesAreWarnedAboutAndTheHubStarts() {
    HubMain.Outcome outcome = run(Map.of("HERALD_COLOUR", "blue"), "serve", "--store", "memory", "--port", "0");
    assertThat(outcome.hub).as(err()).isPresent();
    outcome.hub.get().close();
    assertThat(err()).startsWith("herald serve: warning: ").contains("HERALD_COLOUR");
    assertThat(err().lines()).hasSize(1);
  }

  @Test
  void anUnresolvableHostIsABadOption() {
    HubMain.Outcome outcome = run(Map.of(), "serve", "--host", "nohost.invalid", "--store", "memory", "--port", "0");
    assertThat(outcome.hub).isEmpty();
    assertThat(outcome.exitCode).isEqualTo(2);
    assertThat(err()).contains("--host").contains("nohost.invalid").contains("cannot resolve").doesNotContain("null");
  }

  @Test
  void aHostThatIsNotAnAddressOfThisMachineIsABadOption() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface
    HubMain.Outcome outcome = run(Map.of(), "serve", "--host", "192.0.2.1", "--store", "memory", "--port", "0");
    assertThat(outcome.hub).isEmpty();
    assertThat(outcome.exitCode).isEqualTo(2);
    assertThat(err()).isEqualTo("herald serve: --host (from the command line): not an address of this machine"
        + " [value: '192.0.2.1']" + System.lineSeparator());
  }

  @Test
  void aSecondHubOnTheSameDataDirectoryFailsWithExitCode1NamingDataDir() {
    HubMain.Outcome first = run(Map.of(), "serve", "--port", "0", "--data-dir", dir.toString());
    assertThat(first.hub).as(err()).isPresent();
    try {
      HubMain.Outcome second = run(Map.of(), "serve", "--port", "0", "--data-dir", dir.toString());
      assertThat(second.hub).isEmpty();
      assertThat(second.exitCode).isEqualTo(1);
      assertThat(err()).startsWith("herald serve: cannot start: --data-dir " + dir.toAbsolutePath().normalize()
          + " is in use by another hub").contains("herald.lock").contains("one data directory belongs to one hub");
      assertThat(err().lines()).hasSize(1);
    } finally {
      first.hub.get().close();
    }
    HubMain.Outcome after = run(Map.of(), "serve", "--port", "0", "--data-dir", dir.toString());
    assertThat(after.hub).as(err()).isPresent();
    after.hub.get().close();
  }

  @Test
  void aRetryOfZeroIsABadOptionWithThePublishRange() {
    HubMain.Outcome outcome = run(Map.of(), "serve", "--retry", "0", "--store", "memory", "--port", "0");
    assertThat(outcome.hub).isEmpty();
    assertThat(outcome.exitCode).isEqualTo(2);
    assertThat(err()).startsWith("herald serve: --retry (from the command line): must be from 100ms to 1d")
        .contains("[value: '0']");
  }
}
