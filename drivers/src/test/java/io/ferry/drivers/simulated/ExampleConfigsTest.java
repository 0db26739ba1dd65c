package io.ferry.drivers.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.InstrumentInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped examples must pass {@code ferry check} as they are. */
class ExampleConfigsTest {
  static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/demo"))) {
      p = p.getParent();
    }
    assertThat(p).as("examples/ above " + Path.of("").toAbsolutePath()).isNotNull();
    return p.resolve("examples");
  }

  @Test
  void theDemoConfigurationIsValidAndPlansThreeInstruments() {
    var r = SimulatedConfigs.load(examples().resolve("demo"));
    assertThat(r.messages()).isEmpty();
    assertThat(r.plans()).extracting(p -> p.instrument().id()).containsExactly("boiler", "flowmeter", "labsensor");
    assertThat(r.plans()).extracting(p -> p.instrument().uplinks()).allMatch(u -> u.equals(java.util.List.of("local")));
    InstrumentInfo labsensor = r.plans().get(2).instrument();
    assertThat(labsensor.poll()).hasMillis(500);
  }

  @Test
  void theServiceStarterConfigurationIsValid(@TempDir Path dir) throws IOException {
    Path repo = examples().getParent();
    Files.copy(repo.resolve("systemd/agent.yaml"), dir.resolve("agent.yaml"));
    Path inst = Files.createDirectories(dir.resolve("instruments.d"));
    try (var files = Files.list(examples().resolve("demo/instruments.d"))) {
      for (Path f : files.toList()) {
        Files.copy(f, inst.resolve(f.getFileName()));
      }
    }
    var r = SimulatedConfigs.load(dir);
    assertThat(r.messages()).isEmpty();
    assertThat(r.plans()).hasSize(3);
  }

  @Test
  void theSimulatedInstrumentExampleIsValid(@TempDir Path dir) throws IOException {
    var r = SimulatedConfigs.loadInstrument(dir, Files.readString(examples().resolve("instruments/simulated.yaml")));
    assertThat(r.messages()).isEmpty();
    assertThat(((SimulatedPlan) r.plans().get(0)).channels()).hasSize(6);
  }
}
