package io.ferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import io.ferry.agent.runtime.ReloadOutcome;
import io.ferry.testsupport.mqtt.Broker;
import io.ferry.uplink.sparkplug.SparkplugHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent (scheduler, buffer, the runtime's instrument watch, the sparkplug uplink) against
 * an embedded HiveMQ CE: an instrument that stops answering becomes a dead device once the agent's
 * health verdict says it is down, and is born again before its next data once it answers.
 */
class EndToEndSparkplugDeviceStateTest {
  @TempDir Path dir;
  @RegisterExtension final Broker broker = Broker.perTest();
  SparkplugHost host;
  Agent agent;

  @AfterEach
  void closeAll() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (host != null) {
      host.close();
    }
  }

  AgentPlan plan(boolean hang) throws Exception {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-e2e", "stateDir: " + dir.resolve("state"),
        "buffer: {commitInterval: 20ms}", "uplinks:", "  scada: {type: sparkplug, url: '" + broker.url() + "', group: plant}", ""));
    // Polled every 100 ms with a 50 ms timeout, down 1 s after its last good value (wide enough that a
    // loaded machine does not make it stale while it answers).
    Files.writeString(conf.resolve("instruments.d/kiln.yaml"), String.join("\n", "id: kiln", "driver: simulated", "poll: 100ms",
        "pollTimeout: 50ms", "stale: 1s", "hang: " + hang, "uplinks: [scada]", "channels:", "  - {name: temp, wave: ramp, slope: 1}", ""));
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }

  @Test
  void anInstrumentThatStopsAnsweringIsADeadDeviceUntilItAnswersAgain() throws Exception {
    host = new SparkplugHost(broker.url(), "plant", "scada");
    agent = Agent.start(plan(false), InstantSource.system());
    await().atMost(Duration.ofSeconds(20)).until(() -> host.values.size() >= 3);

    // The instrument hangs (a reload restarts it; the uplink's plan is unchanged, so its session goes on).
    assertThat(agent.reload(plan(true))).isInstanceOf(ReloadOutcome.Applied.class);
    await().atMost(Duration.ofSeconds(20)).until(() -> host.ofType("DDEATH").size() == 1);
    assertThat(host.ofType("DDEATH").get(0).topic()).isEqualTo("spBv1.0/plant/DDEATH/gw-e2e/kiln");
    int valuesWhileDead = host.values.size();

    assertThat(agent.reload(plan(false))).isInstanceOf(ReloadOutcome.Applied.class);
    await().atMost(Duration.ofSeconds(20)).until(() -> host.values.size() >= valuesWhileDead + 3);
    List<String> types = host.types();
    int death = types.indexOf("DDEATH");
    int nextData = types.subList(death, types.size()).indexOf("DDATA") + death;
    // Back: a DBIRTH of the device before its next DDATA (and no DDATA while the host held it dead).
    assertThat(types.subList(death, nextData)).contains("DBIRTH");
    assertThat(host.ofType("NBIRTH")).hasSize(1); // one session throughout
    List<SparkplugHost.Msg> all = List.copyOf(host.messages);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).seq()).as("message %d (%s)", i, all.get(i).type()).isEqualTo(i % 256L);
    }
    assertThat(host.errors).isEmpty();
  }
}
