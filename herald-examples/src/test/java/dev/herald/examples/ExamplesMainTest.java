package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExamplesMainTest {
  @Test
  void defaults() {
    ExamplesMain.Options o = ExamplesMain.Options.parse(new String[0]);
    assertThat(o.port).isEqualTo(8080);
    assertThat(o.host).isEqualTo("127.0.0.1");
  }

  @Test
  void portAndHostInBothForms() {
    assertThat(ExamplesMain.Options.parse(new String[] {"--port", "0"}).port).isZero();
    assertThat(ExamplesMain.Options.parse(new String[] {"--port=9090", "--host=0.0.0.0"}).host).isEqualTo("0.0.0.0");
  }

  @Test
  void badOptionsNameTheProblem() {
    assertThatThrownBy(() -> ExamplesMain.Options.parse(new String[] {"--port", "x"})).hasMessageContaining("--port");
    assertThatThrownBy(() -> ExamplesMain.Options.parse(new String[] {"--port", "70000"})).hasMessageContaining("65535");
    assertThatThrownBy(() -> ExamplesMain.Options.parse(new String[] {"--port"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> ExamplesMain.Options.parse(new String[] {"--bogus"})).hasMessageContaining("--bogus");
  }
}
