package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.config.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command about one instrument loads the configuration without notes about the parts it does not use. */
class ScopedConfigTest {
  @TempDir Path dir;

  @BeforeEach
  void writeConfig() throws Exception {
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
        "gatewayId: gw1",
        "stateDir: " + dir.resolve("state"),
        "uplinks:",
        "  gs: {type: grovestreams, apiKey: \"${env:NOT_SET_IN_THIS_TEST}\"}",
        "  local: {type: jsonl, path: out.jsonl}",
        ""));
    Files.writeString(dir.resolve("instruments.d/press.yaml"), String.join("\n",
        "id: press",
        "driver: opcua",
        "poll: 1s",
        "uplinks: [gs, local]",
        "channels:",
        "  - {name: temp, type: float}",
        ""));
    Files.writeString(dir.resolve("instruments.d/meter.yaml"), String.join("\n",
        "id: meter",
        "driver: modbus-tcp",
        "poll: 1s",
        "uplinks: [gs]",
        "channels:",
        "  - {name: power, type: float}",
        ""));
  }

  @Test
  void anInstrumentsUplinksAreNotNotesForACommandThatDoesNotKnowTheirTypes() {
    ScopedConfig scoped = ScopedConfig.load(dir, Set.of());
    assertThat(scoped.instrument("press")).isPresent();
    assertThat(scoped.instrument("meter")).isPresent();
    assertThat(scoped.in("instruments.d/press.yaml")).isEmpty();
    assertThat(scoped.loaded().agent()).isPresent();
  }

  @Test
  void problemsAreKeptPerFile() throws Exception {
    Files.writeString(dir.resolve("instruments.d/meter.yaml"), "id: meter\ndriver: modbus-tcp\npoll: often\nchannels: []\n");
    ScopedConfig scoped = ScopedConfig.load(dir, Set.of());
    assertThat(scoped.in("instruments.d/meter.yaml")).isNotEmpty();
    assertThat(scoped.in("instruments.d/press.yaml")).isEmpty();
    assertThat(scoped.problems()).containsAll(scoped.in("instruments.d/meter.yaml"));
  }

  /** The lenient scan of driver names reads through the loader's capped reader: a pipe or /dev/zero does not hang it. */
  @Test
  void aPipeOrADeviceAmongTheFilesIsRefusedNotReadByTheScan() throws Exception {
    assertThat(new ProcessBuilder("mkfifo", dir.resolve("instruments.d/pipe.yaml").toString()).start().waitFor()).isZero();
    Files.createSymbolicLink(dir.resolve("instruments.d/zero.yaml"), Path.of("/dev/zero"));
    ScopedConfig scoped = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ScopedConfig.load(dir, Set.of()));
    assertThat(scoped.instrument("press")).isPresent();
    assertThat(scoped.in("instruments.d/pipe.yaml")).extracting(Problem::message).singleElement().asString().contains("named pipe");
    assertThat(scoped.in("instruments.d/zero.yaml")).extracting(Problem::message).singleElement().asString().contains("character device");
  }
}
