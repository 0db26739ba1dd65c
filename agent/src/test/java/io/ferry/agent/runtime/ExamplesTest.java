package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped example plans without a single problem with this build's drivers and uplinks,
 * so the examples cannot drift from the code. Secret references are pointed at test values.
 */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("../examples");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path tmp;

  @TestFactory
  Stream<DynamicTest> everyExampleInstrumentPlans() throws IOException {
    return files(EXAMPLES.resolve("instruments")).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      String text = withLocalFiles(withTestSecrets(Files.readString(f)));
      JsonNode node = YAML.readTree(text);
      StringBuilder agent = new StringBuilder("gatewayId: examples\nstateDir: " + tmp + "\nuplinks:\n");
      for (JsonNode u : node.path("uplinks")) {
        agent.append("  ").append(u.asText()).append(": {type: jsonl, path: ").append(tmp.resolve("out.jsonl")).append("}\n");
      }
      if (node.path("uplinks").isEmpty()) {
        agent.append("  local: {type: jsonl, path: ").append(tmp.resolve("out.jsonl")).append("}\n");
      }
      Path dir = configDir(f.getFileName().toString(), agent.toString(), f.getFileName().toString(), text);
      assertPlans(dir);
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyExampleAgentSectionPlans() throws IOException {
    return files(EXAMPLES.resolve("agent")).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      String text = withTestSecrets(Files.readString(f));
      JsonNode node = YAML.readTree(text);
      List<String> uplinks = new ArrayList<>();
      node.path("uplinks").fieldNames().forEachRemaining(uplinks::add);
      String agent = "gatewayId: examples\nstateDir: " + tmp + "\n" + text;
      if (uplinks.isEmpty()) {
        agent += "\nuplinks:\n  local: {type: jsonl, path: " + tmp.resolve("out.jsonl") + "}\n";
        uplinks.add("local");
      }
      String instrument = "id: sim\ndriver: simulated\nuplinks: " + uplinks + "\nchannels:\n  - {name: level, wave: sine}\n";
      assertPlans(configDir(f.getFileName().toString(), agent, "sim.yaml", instrument));
    }));
  }

  @TestFactory
  Stream<DynamicTest> theDemoAndTheSystemdStarterConfigPlan() {
    return Stream.of(EXAMPLES.resolve("demo")).map(d -> DynamicTest.dynamicTest(d.toString(), () -> assertPlans(d)));
  }

  private static void assertPlans(Path dir) {
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), name -> "test-secret-" + name).plan(dir);
    assertThat(r.problems()).as("problems planning %s", dir).isEmpty();
    assertThat(r.plan()).isPresent();
  }

  private Path configDir(String name, String agent, String instrumentFile, String instrument) throws IOException {
    Path dir = tmp.resolve(name.replace('.', '_'));
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), agent);
    Files.writeString(dir.resolve("instruments.d").resolve(instrumentFile), instrument);
    return dir;
  }

  /** {@code ${file:/run/credentials/...}} cannot be read here: point it at the environment, which the test fills. */
  private static String withTestSecrets(String text) {
    return text.replaceAll("\\$\\{file:[^}]*/([^}/]+)}", "\\${env:$1}");
  }

  /** Files an example names under /etc/ferry (CA certificates) exist only on a gateway: stand in empty ones. */
  private String withLocalFiles(String text) throws IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("/etc/ferry/[A-Za-z0-9_./-]+").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Path local = tmp.resolve("etc-ferry").resolve(m.group().substring("/etc/ferry/".length()));
      Files.createDirectories(local.getParent());
      if (!Files.exists(local) && local.toString().endsWith(".pem")) {
        try {
          io.ferry.drivers.mqtt.TestCertificates.ca("Example CA").writePem(local); // check parses CA files
        } catch (Exception e) {
          throw new IOException(e);
        }
      } else if (!Files.exists(local)) {
        Files.writeString(local, "");
      }
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(local.toString()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }
}
