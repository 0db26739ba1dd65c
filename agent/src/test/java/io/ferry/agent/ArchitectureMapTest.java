package io.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE.md is the map a maintainer reads first; it went stale once (uplink row without
 * clarify, tempodb, mqtt; agent row without http and systemd). This keeps it in step with the code:
 * every module of the root pom has a row, and every package directly under a module's
 * {@code io.ferry.<module>} is named in that row.
 */
class ArchitectureMapTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|(.*)$");

  @Test
  void everyModuleAndTopLevelPackageIsOnTheMap() throws IOException {
    Map<String, String> rows = rows(Files.readString(ROOT.resolve("ARCHITECTURE.md")));
    List<String> missing = new ArrayList<>();
    for (String module : modules()) {
      String row = rows.get(module);
      if (row == null) {
        missing.add("module " + module + " has no row");
        continue;
      }
      for (String pkg : topLevelPackages(module)) {
        if (!Pattern.compile("\\b" + Pattern.quote(pkg) + "\\b").matcher(row).find()) {
          missing.add("package io.ferry." + module + "." + pkg + " is not named in the " + module + " row");
        }
      }
    }
    assertThat(missing).as("ARCHITECTURE.md is missing").isEmpty();
  }

  @Test
  void theMapReaderSeesTheRowsItChecks() throws IOException {
    // Guards the test itself: a parser that found no rows or no packages would pass vacuously.
    Map<String, String> rows = rows(Files.readString(ROOT.resolve("ARCHITECTURE.md")));
    assertThat(rows).containsKeys("core", "uplink", "agent");
    assertThat(modules()).contains("core", "buffer", "agent");
    assertThat(topLevelPackages("agent")).contains("cli", "runtime");
    assertThat(topLevelPackages("uplink")).contains("jsonl", "tempodb");
    assertThat(topLevelPackages("test-support")).contains("mqtt");
  }

  private static Map<String, String> rows(String map) {
    Map<String, String> rows = new TreeMap<>();
    Matcher m = ROW.matcher(map);
    while (m.find()) {
      rows.putIfAbsent(m.group(1), m.group(2));
    }
    return rows;
  }

  private static List<String> modules() throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (m.find()) {
      modules.add(m.group(1).trim());
    }
    return modules;
  }

  private static List<String> topLevelPackages(String module) throws IOException {
    // A package name cannot hold a hyphen: module test-support keeps its code in io.ferry.testsupport.
    Path base = ROOT.resolve(module).resolve("src/main/java/io/ferry").resolve(module.replace("-", ""));
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(base)) {
      return children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
