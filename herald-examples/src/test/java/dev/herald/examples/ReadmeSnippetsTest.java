package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's Java examples true: every region marked {@code // README-x:begin} …
 * {@code // README-x:end} in this module's sources (which compile and are tested) must appear in
 * the README, line for line, with its indentation removed.
 */
class ReadmeSnippetsTest {
  private static final Pattern REGION = Pattern.compile("// (README-[\\w-]+):begin\\n(.*?)\\n\\s*// \\1:end", Pattern.DOTALL);

  @Test
  void everyMarkedRegionIsInTheReadme() throws IOException {
    Path module = Paths.get("").toAbsolutePath();
    String readme = Files.readString(module.resolveSibling("README.md"), StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
        Matcher m = REGION.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
          found.add(m.group(1));
          assertThat(readme).as(m.group(1) + " from " + file.getFileName() + " in README.md").contains(dedent(m.group(2)));
        }
      }
    }
    assertThat(found).contains("README-quickstart", "README-client", "README-listener");
  }

  private static String dedent(String block) {
    List<String> lines = block.lines().collect(Collectors.toList());
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).collect(Collectors.joining("\n"));
  }
}
