package io.ferry.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigNode;
import io.ferry.config.Fields;
import io.ferry.config.Problems;
import io.ferry.config.UplinkSection;
import io.ferry.config.YamlReader;
import io.ferry.uplink.atomscale.AtomscaleUplinkFactory;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
import io.ferry.uplink.jsonl.JsonlUplinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sample YAML under examples/agent plans without a single problem (every key known and valid). */
class ExampleUplinksTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"jsonl", "grovestreams", "atomscale", "tempodb", "mqtt", "clarify", "sparkplug"})
  void examplePlansCleanly(String type) throws Exception {
    Path file = Path.of("..", "examples", "agent", type + ".yaml");
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of("GS_API_KEY", "k-123456", "ATOMSCALE_API_KEY", "k-123456",
        "TEMPODB_KEY", "k-123456", "TEMPODB_SECRET", "k-123456", "MQTT_PASSWORD", "k-123456", "CLARIFY_CLIENT_SECRET", "k-123456"));
    ConfigNode root = YamlReader.read(file.toString(), Files.readString(file), problems).orElseThrow();
    Fields top = ctx.fields(root, "").orElseThrow();
    Fields uplinks = top.object("uplinks").orElseThrow();
    String name = uplinks.keys().get(0);
    uplinks.allow(name);
    Fields section = uplinks.object(name).orElseThrow();
    assertThat(section.string("type")).contains(type);
    UplinkFactory factory = switch (type) {
      case "jsonl" -> new JsonlUplinkFactory();
      case "grovestreams" -> new GroveStreamsUplinkFactory();
      case "tempodb" -> new io.ferry.uplink.tempodb.TempoDbUplinkFactory();
      case "mqtt" -> new io.ferry.uplink.mqtt.MqttUplinkFactory();
      case "clarify" -> new io.ferry.uplink.clarify.ClarifyUplinkFactory();
      case "sparkplug" -> new io.ferry.uplink.sparkplug.SparkplugUplinkFactory();
      default -> new AtomscaleUplinkFactory();
    };
    var plan = factory.plan(new UplinkSection(name, type, section), UplinkTesting.agent(dir, "gw"), List.of());
    ctx.finish();
    assertThat(problems.all()).isEmpty();
    assertThat(plan).isPresent();
    assertThat(plan.get().describe()).isNotEmpty().allSatisfy(line -> assertThat(line).doesNotContain("=k"));
  }
}
