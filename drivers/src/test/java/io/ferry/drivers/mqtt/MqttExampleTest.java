package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.config.InstrumentInfo;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverMetrics;
import io.ferry.drivers.spi.DriverPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commented sample under examples/ stays valid, and the factory is what the agent expects. */
class MqttExampleTest {
  @TempDir Path dir;

  @Test
  void theExampleInstrumentPlansWithoutProblems() throws Exception {
    Path ca = TestCertificates.ca("Example CA").writePem(dir.resolve("ca.pem")); // planning parses it
    String yaml = Files.readString(Path.of("../examples/instruments/mqtt.yaml"))
        .replace("/etc/ferry/mqtt-ca.pem", ca.toString())
        .replace("uplinks: [grovestreams]", "");
    var out = TestPlans.plan(dir.resolve("cfg"), yaml, Map.of("MQTT_PASSWORD", "pw"));
    MqttPlan plan = out.mqtt();
    assertThat(plan.filters()).containsExactly("plant/+/env", "plant/+/counter");
    assertThat(plan.describe()).isNotEmpty().noneMatch(l -> l.contains("pw,") || l.endsWith("pw"));
  }

  @Test
  void theFactoryAnswersToMqttAndOpensOnlyItsOwnPlans() {
    MqttDriverFactory f = new MqttDriverFactory();
    assertThat(f.names()).containsExactly("mqtt");
    DriverPlan foreign = () -> new InstrumentInfo("x", "modbus-tcp", "x.yaml", "", java.time.Duration.ofSeconds(1),
        java.time.Duration.ofSeconds(1), List.of(), List.of());
    assertThatThrownBy(() -> f.open(foreign, new DriverContext(Clock.systemUTC(), dir, DriverMetrics.NOOP)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an MQTT plan");
  }
}
