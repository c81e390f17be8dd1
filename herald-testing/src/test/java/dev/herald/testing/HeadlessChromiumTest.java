package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The skip-or-fail decision of browser tests, with the environment and the binary check injected. */
class HeadlessChromiumTest {
  private static final Predicate<Path> BOTH = p -> true;
  private static final Predicate<Path> NONE = p -> false;
  private static final Predicate<Path> NO_DRIVER = p -> !p.equals(HeadlessChromium.CHROMEDRIVER);

  @Test
  void installedRunsLocallyAndUnderCi() {
    assertThat(HeadlessChromium.unavailable(Map.of(), BOTH)).isEmpty();
    assertThat(HeadlessChromium.unavailable(Map.of("CI", "true"), BOTH)).isEmpty();
  }

  @Test
  void missingLocallySkipsNamingWhatIsMissing() {
    assertThat(HeadlessChromium.unavailable(Map.of(), NONE)).hasValueSatisfying(why -> assertThat(why)
        .startsWith("headless browser test skipped")
        .contains(HeadlessChromium.CHROMIUM.toString(), HeadlessChromium.CHROMEDRIVER.toString()));
    assertThat(HeadlessChromium.unavailable(Map.of("CI", "false"), NO_DRIVER)).hasValueSatisfying(why -> assertThat(why)
        .contains("missing: [" + HeadlessChromium.CHROMEDRIVER + "]"));
  }

  @Test
  void missingUnderCiFails() {
    for (String ci : Set.of("true", "TRUE", "1")) {
      assertThatThrownBy(() -> HeadlessChromium.unavailable(Map.of("CI", ci), NO_DRIVER)).as("CI=%s", ci)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("CI=true, so this fails instead of skipping")
          .hasMessageContaining(HeadlessChromium.CHROMEDRIVER.toString());
    }
  }

  @Test
  void onlyTrueOrOneMeansCi() {
    assertThat(HeadlessChromium.isCi(Map.of())).isFalse();
    assertThat(HeadlessChromium.isCi(Map.of("CI", ""))).isFalse();
    assertThat(HeadlessChromium.isCi(Map.of("CI", "false"))).isFalse();
    assertThat(HeadlessChromium.isCi(Map.of("CI", "0"))).isFalse();
    assertThat(HeadlessChromium.isCi(Map.of("CI", "True"))).isTrue();
    assertThat(HeadlessChromium.isCi(Map.of("CI", " true "))).isTrue();
  }
}
