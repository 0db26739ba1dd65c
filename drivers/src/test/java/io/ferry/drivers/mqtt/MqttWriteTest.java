package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.ChannelId;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteRequest;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.testsupport.mqtt.Broker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write to an MQTT instrument is a QoS 1 publish to its command topic, on the driver's own connection (embedded HiveMQ). */
class MqttWriteTest {
  @TempDir static Path brokerDir;
  static Broker broker;
  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = new Broker(brokerDir);
    broker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.stop();
  }

  @Test
  void publishesTheCommandAndTheBrokerAcknowledgesIt() throws Exception {
    MqttPlan plan = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection: {url: "%s", clientId: writer-1, backoffInitial: 50ms, backoffMax: 500ms}
        subscriptions:
          - {topic: "plant/sp", payload: number, channel: sp}
        channels:
          - {name: sp, write: {topic: plant/cmd/sp, payload: '{"setpoint": {value}}', min: 0, max: 100}}
        """.formatted(broker.url()), Map.of()).mqtt();
    assertThat(plan.describe()).contains("  publish \"{\"setpoint\": {value}}\" to plant/cmd/sp (QoS 1) <- sp");
    List<String> received = new CopyOnWriteArrayList<>();
    MqttClient device = new MqttClient(broker.url(), "device-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    device.connect(o);
    device.subscribe("plant/cmd/#", 1, (topic, m) -> received.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8)));
    CountingMetrics metrics = new CountingMetrics();
    try (MqttDriver d = new MqttDriver(plan, new DriverContext(Clock.systemUTC(), dir.resolve("state"), metrics))) {
      assertThat(d.write(new WriteRequest(ChannelId.of("plant", "sp"), 42.5))).isInstanceOf(WriteOutcome.Failed.class)
          .extracting(WriteOutcome::detail).asString().endsWith("was not sent: not connected to " + broker.url());
      d.start(samples -> java.util.concurrent.CompletableFuture.completedFuture(null));
      await().atMost(Duration.ofSeconds(20)).until(() -> metrics.states.contains("connected"));
      assertThat(d.write(new WriteRequest(ChannelId.of("plant", "sp"), 42.5))).isEqualTo(new WriteOutcome.Applied(
          "the broker acknowledged publish \"{\"setpoint\": 42.5}\" to plant/cmd/sp"));
      await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
      assertThat(received).containsExactly("plant/cmd/sp {\"setpoint\": 42.5}");
    } finally {
      device.disconnect();
      device.close();
    }
  }

  @Test
  void aCommandTopicHasNoWildcards() {
    TestPlans.Outcome o = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection: {url: "tcp://127.0.0.1:1883"}
        subscriptions:
          - {topic: "plant/sp", payload: number, channel: sp}
        channels:
          - {name: sp, write: {topic: plant/cmd/#}}
        """, Map.of());
    assertThat(o.problems().all()).anySatisfy(p -> assertThat(p.toString()).contains("channels[0].write.topic: a command topic is one topic: no + or # wildcards"));
  }
}
