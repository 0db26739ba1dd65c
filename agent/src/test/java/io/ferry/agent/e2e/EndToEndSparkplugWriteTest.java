package io.ferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.ferry.agent.cli.ModbusSlave;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import io.ferry.buffer.WriteAudit;
import io.ferry.testsupport.mqtt.Broker;
import io.ferry.uplink.sparkplug.SparkplugHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Sparkplug host writes through the whole agent: a DCMD on a writable metric reaches the Modbus
 * slave as one function 16 request (source {@code sparkplug} in the audit) and the new value comes
 * back in a DDATA of the next poll; a DCMD by alias is the same write; a DCMD on a metric that is
 * not writable is refused, audited, and nothing reaches the slave.
 */
class EndToEndSparkplugWriteTest {
  @TempDir Path dir;

  @Test
  void aDcmdOnAWritableMetricIsAWriteAndOnAnotherMetricARefusal() throws Exception {
    Broker broker = new Broker(dir.resolve("broker"));
    broker.start();
    try (ModbusSlave slave = ModbusSlave.start(); SparkplugHost host = new SparkplugHost(broker.url(), "plant", "scada")) {
      Path conf = dir.resolve("conf");
      Files.createDirectories(conf.resolve("instruments.d"));
      Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-w", "stateDir: " + dir.resolve("state"),
          "buffer: {commitInterval: 20ms}", "uplinks:", "  scada: {type: sparkplug, url: '" + broker.url() + "', group: plant}", ""));
      Files.writeString(conf.resolve("instruments.d/boiler.yaml"), """
          id: boiler
          driver: modbus-tcp
          poll: 200ms
          connection: {host: 127.0.0.1, port: %d, unit: 1, timeout: 3s}
          uplinks: [scada]
          channels:
            - {name: sp, register: 'holding:0', type: float32, write: {min: 0, max: 90}}
            - {name: temp, register: 'holding:2', type: float32}
          """.formatted(slave.port()));
      AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
      assertThat(r.problems()).isEmpty();
      try (Agent agent = Agent.start(r.plan().orElseThrow(), InstantSource.system())) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !host.ofType("DBIRTH").isEmpty());

        host.command("gw-w", "boiler", false, new Metric.MetricBuilder("sp", MetricDataType.Double, 42.5).createMetric());
        await().atMost(Duration.ofSeconds(30)).until(() -> slave.writes.size() == 1);
        assertThat(slave.writes).containsExactly("0: 42 2A 00 00");
        await().atMost(Duration.ofSeconds(30)).until(() -> hostHas(host, "sp", 42.5));

        host.command("gw-w", "boiler", false, new Metric.MetricBuilder("temp", MetricDataType.Double, 5.0).createMetric());
        host.command("gw-w", "boiler", true, new Metric.MetricBuilder(host.alias("boiler", "sp"), MetricDataType.Float, 55f).createMetric());
        await().atMost(Duration.ofSeconds(30)).until(() -> hostHas(host, "sp", 55.0));
        assertThat(slave.writes).as("the refused DCMD sends nothing").containsExactly("0: 42 2A 00 00", "0: 42 5C 00 00");
        assertThat(host.errors).isEmpty();
      }
      assertThat(WriteAudit.read(dir.resolve("state/buffer.db"), 10))
          .extracting(WriteAudit.Entry::source, WriteAudit.Entry::channel, WriteAudit.Entry::value, WriteAudit.Entry::outcome)
          .containsExactly(tuple("sparkplug", "boiler/sp", "42.5", "applied"), tuple("sparkplug", "boiler/temp", "5", "rejected"),
              tuple("sparkplug", "boiler/sp", "55", "applied"));
      assertThat(WriteAudit.read(dir.resolve("state/buffer.db"), 10).get(1).detail()).contains("not writable");
    } finally {
      broker.stop();
    }
  }

  private static boolean hostHas(SparkplugHost host, String metric, double value) {
    synchronized (host.values) {
      return host.values.stream().anyMatch(v -> v.device().equals("boiler") && metric.equals(v.metric()) && v.value().equals(value));
    }
  }
}
