package io.ferry.uplink.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigNode;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.config.UplinkSection;
import io.ferry.config.YamlReader;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkTesting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code type: sparkplug} planned from YAML: defaults, names and aliases, located errors. */
class SparkplugPlanTest {
  @TempDir Path dir;
  final List<InstrumentInfo> instruments = SparkplugFixtures.instruments("sp");

  record Planned(Optional<UplinkPlan> plan, Problems problems) {}

  Planned plan(String yaml) {
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of("PW", "k-123456"));
    ConfigNode root = YamlReader.read("agent.yaml", "uplinks:\n  sp:\n    type: sparkplug\n" + yaml.indent(4), problems).orElseThrow();
    Fields uplinks = ctx.fields(root, "").orElseThrow().object("uplinks").orElseThrow();
    uplinks.allow("sp");
    Fields f = uplinks.object("sp").orElseThrow();
    f.allow("type");
    Optional<UplinkPlan> p = new SparkplugUplinkFactory().plan(new UplinkSection("sp", "sparkplug", f),
        UplinkTesting.agent(dir, "gw-7"), instruments);
    ctx.finish();
    return new Planned(p, problems);
  }

  @Test
  void defaultsEdgeNodeToTheGatewayAndNamesEveryMetricWithAnAliasUniqueInTheNode() {
    Planned p = plan("url: tcp://127.0.0.1:1883\ngroup: plant\n");
    assertThat(p.problems().all()).isEmpty();
    SparkplugPlan plan = (SparkplugPlan) p.plan().orElseThrow();
    assertThat(plan.edgeNode()).isEqualTo("gw-7");
    assertThat(plan.dataQos()).isZero();
    assertThat(plan.nodeTopic("NBIRTH")).isEqualTo("spBv1.0/plant/NBIRTH/gw-7");
    assertThat(plan.deviceTopic("DDATA", "tank")).isEqualTo("spBv1.0/plant/DDATA/gw-7/tank");
    assertThat(plan.devices()).extracting(DeviceDef::id).containsExactly("boiler1", "tank");
    assertThat(plan.devices().get(0).metrics()).extracting(MetricDef::name, MetricDef::alias, MetricDef::type).containsExactly(
        org.assertj.core.groups.Tuple.tuple("temp", 1L, MetricDef.MetricType.DOUBLE),
        org.assertj.core.groups.Tuple.tuple("temp/avg", 2L, MetricDef.MetricType.DOUBLE),
        org.assertj.core.groups.Tuple.tuple("temp/count", 3L, MetricDef.MetricType.INT64),
        org.assertj.core.groups.Tuple.tuple("energy", 4L, MetricDef.MetricType.DOUBLE),
        org.assertj.core.groups.Tuple.tuple("energy/increment", 5L, MetricDef.MetricType.DOUBLE),
        org.assertj.core.groups.Tuple.tuple("state", 6L, MetricDef.MetricType.DOUBLE));
    assertThat(plan.devices().get(1).metrics()).extracting(MetricDef::name, MetricDef::alias)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("level", 7L));
    // ferry plan shows the names a host will see.
    assertThat(String.join("\n", plan.describe())).contains("spBv1.0/plant/DDATA/gw-7/boiler1:", "temp/avg [alias 2, double, degC]",
        "energy/increment [alias 5", "level [alias 7, double, m]", "QoS 0");
  }

  @Test
  void textChannelsAreStringMetrics() {
    Planned p = plan("url: tcp://127.0.0.1:1883\ngroup: plant\ntextChannels: [boiler1/state]\ndataQos: 1\nprimaryHostId: scada\n");
    assertThat(p.problems().all()).isEmpty();
    SparkplugPlan plan = (SparkplugPlan) p.plan().orElseThrow();
    assertThat(plan.devices().get(0).metrics().get(5).type()).isEqualTo(MetricDef.MetricType.STRING);
    assertThat(plan.stateTopic()).contains("spBv1.0/STATE/scada");
    assertThat(plan.dataQos()).isEqualTo(1);
  }

  @Test
  void errorsAreLocatedAndUnknownKeysSuggestTheRightOne() {
    Planned p = plan("url: http://x\ngrup: plant\nedgeNode: a/b\ndataQos: 2\ntextChannels: [boiler1/nope]\n");
    assertThat(p.plan()).isEmpty();
    assertThat(p.problems().all()).extracting(Object::toString).anySatisfy(s -> assertThat(s).contains("agent.yaml:", "uplinks.sp.url",
        "expected tcp://host:port"))
        // The misspelt required key is one line at the typo, not a second "group is missing" line.
        .anySatisfy(s -> assertThat(s).contains("uplinks.sp.grup", "did you mean \"group\"", "(\"group\" is required)"))
        .noneSatisfy(s -> assertThat(s).contains("missing required key \"group\""))
        .anySatisfy(s -> assertThat(s).contains("uplinks.sp.edgeNode", "without /, + or #"))
        .anySatisfy(s -> assertThat(s).contains("uplinks.sp.dataQos"))
        .anySatisfy(s -> assertThat(s).contains("uplinks.sp.textChannels", "no channel boiler1/nope"));
  }
}
