package io.ferry.drivers.opcua;

import io.ferry.drivers.opcua.security.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The shipped example instrument plans without a problem (secrets and uplinks pointed at test values). */
class ExampleInstrumentTest {
  @TempDir Path dir;

  @Test
  void theCommentedExamplePlans() throws Exception {
    String yaml = Files.readString(Path.of("../examples/instruments/opcua.yaml"))
        .replaceAll("\\$\\{file:[^}]+}", "\\${env:PW}")
        .replaceAll("(?m)^uplinks:.*$", "");
    OpcUaPlan plan = Plans.valid(dir, yaml, Map.of("PW", "pw"));
    assertThat(plan.mode()).isEqualTo(AcquisitionMode.SUBSCRIBE);
    assertThat(plan.nodes()).hasSize(5);
    assertThat(plan.connection().identity()).isInstanceOf(Identity.UserPassword.class);
  }
}
