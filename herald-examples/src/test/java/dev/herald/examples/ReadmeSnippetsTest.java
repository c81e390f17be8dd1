package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README's Java true, both ways: every region marked {@code // README-x:begin} …
 * {@code // README-x:end} in this module's sources (which compile and are tested) is one
 * {@code ```java} block of the README, line for line with its indentation removed, and every
 * {@code ```java} block of the README is one of those regions, so no snippet goes untested.
 *
 * <p>A region is a whole program: it spans the whole file after its {@code package} line (so the
 * README shows the imports, the class and its {@code main}), contains
 * {@code public static void main(String[] args)}, and the README's block compiles on its own as a
 * package-less file, as a user would paste it. Only a region named {@code README-…-fragment} may
 * be part of a file, and is exempt from those three checks.
 */
class ReadmeSnippetsTest {
  private static final Pattern REGION = Pattern.compile("// (README-[\\w-]+):begin\\n(.*?)\\n\\s*// \\1:end", Pattern.DOTALL);
  private static final Pattern JAVA_BLOCK = Pattern.compile("^```java\\n(.*?)\\n```$", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern PUBLIC_CLASS = Pattern.compile("^public (?:final )?class (\\w+)", Pattern.MULTILINE);
  private static final Path MODULE = Paths.get("").toAbsolutePath();

  @Test
  void everyMarkedRegionIsAJavaBlockOfTheReadme() throws IOException {
    Map<String, Region> regions = regions();
    List<String> blocks = readmeBlocks();
    for (Region region : regions.values()) {
      assertThat(blocks).as(region.name + " from " + region.file.getFileName() + " as a ```java block of README.md")
          .contains(region.text);
    }
    assertThat(regions).containsKeys("README-quickstart", "README-client", "README-listener", "README-cors",
        "README-llm-server", "README-countdown", "README-parser", "README-hub-publisher");
  }

  @Test
  void everyJavaBlockOfTheReadmeIsAMarkedRegion() throws IOException {
    List<String> regionTexts = regions().values().stream().map(r -> r.text).collect(Collectors.toList());
    List<String> blocks = readmeBlocks();
    assertThat(blocks).isNotEmpty();
    for (String block : blocks) {
      assertThat(regionTexts).as("README.md block is a tested region of herald-examples:%n%s", block).contains(block);
    }
  }

  @Test
  void everyProgramRegionIsItsWholeFileWithAMain() throws IOException {
    for (Region region : regions().values()) {
      if (region.name.endsWith("-fragment")) {
        continue;
      }
      String file = Files.readString(region.file, StandardCharsets.UTF_8);
      assertThat(file).as(region.name + ": the whole of " + region.file.getFileName() + " but its package line")
          .isEqualTo("package dev.herald.examples;\n// " + region.name + ":begin\n" + region.text + "\n// " + region.name + ":end\n");
      assertThat(region.text).as(region.name).contains("public static void main(String[] args)");
    }
  }

  @Test
  void everyProgramOfTheReadmeCompilesPastedIntoAFileOfItsOwn(@TempDir Path dir) throws IOException {
    Map<String, String> programs = new LinkedHashMap<>();
    for (Region region : regions().values()) {
      if (!region.name.endsWith("-fragment")) {
        Matcher m = PUBLIC_CLASS.matcher(region.text);
        assertThat(m.find()).as(region.name + " declares a public class").isTrue();
        programs.put(m.group(1), region.text);
      }
    }
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> program : programs.entrySet()) {
      assertThat(readmeBlocks()).contains(program.getValue());
      Path file = dir.resolve("src").resolve(program.getKey() + ".java");
      Files.createDirectories(file.getParent());
      files.add(Files.writeString(file, program.getValue(), StandardCharsets.UTF_8));
    }
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
      List<String> options = List.of("--release", "17", "-Xlint:all", "-Werror",
          "-classpath", System.getProperty("java.class.path"), "-d", classes.toString());
      boolean ok = javac.getTask(diagnostics, fm, null, options, null, units).call();
      assertThat(ok).as("README programs compile on their own:%n%s", diagnostics).isTrue();
    }
    for (String name : programs.keySet()) {
      assertThat(classes.resolve(name + ".class")).as("compiled, package-less").exists();
    }
  }

  private static List<String> readmeBlocks() throws IOException {
    String readme = Files.readString(MODULE.resolveSibling("README.md"), StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static Map<String, Region> regions() throws IOException {
    Map<String, Region> regions = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(MODULE.resolve("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
        Matcher m = REGION.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
          Region previous = regions.put(m.group(1), new Region(m.group(1), file, dedent(m.group(2))));
          assertThat(previous).as("region " + m.group(1) + " marked once").isNull();
        }
      }
    }
    return regions;
  }

  private static String dedent(String block) {
    List<String> lines = block.lines().collect(Collectors.toList());
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).collect(Collectors.joining("\n"));
  }

  /** One marked region: its name, the file it is in, its text without the common indentation. */
  private static final class Region {
    final String name;
    final Path file;
    final String text;

    Region(String name, Path file, String text) {
      this.name = name;
      this.file = file;
      this.text = text;
    }
  }
}
