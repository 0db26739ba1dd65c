package io.ferry.uplink.mqtt;

import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.buffer.Buffer;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.testsupport.mqtt.Broker;
import io.ferry.uplink.Rfc3339;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT uplink against an embedded HiveMQ CE broker, with a real SQLite buffer. */
class MqttUplinkBrokerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ChannelId TEMP = ChannelId.of("boiler1", "temp");
  static final ChannelId FLOW = ChannelId.of("boiler1", "flow");
  static final ChannelId LEVEL = ChannelId.of("tank", "level");
  static final String STATUS = "ferry/gw-7/status";

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  final List<AutoCloseable> open = new ArrayList<>();
  final List<ChannelSpec> specs = List.of(UplinkTesting.raw("boiler1/temp", "degC", "mq"),
      UplinkTesting.raw("boiler1/flow", "m3/h", "mq"), UplinkTesting.raw("tank/level", "m", "mq"));
  final CuttableSockets sockets = new CuttableSockets();
  @RegisterExtension final Broker broker = Broker.perTest();
  Buffer buffer;

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
  }

  Buffer buffer() {
    if (buffer == null) {
      buffer = UplinkTesting.buffer(dir, specs, clock);
      open.add(buffer);
    }
    return buffer;
  }

  UplinkService start(String extraYaml) {
    Problems problems = new Problems();
    String yaml = "url: " + broker.url() + "\n" + extraYaml;
    InstrumentInfo inst = new InstrumentInfo("all", "simulated", "all.yaml", "", Duration.ofSeconds(1),
        Duration.ofSeconds(1), List.of("mq"), specs);
    MqttUplinkFactory factory = new MqttUplinkFactory(sockets);
    UplinkPlan plan = factory.plan(UplinkTesting.section("mq", "mqtt", yaml, problems, Map.of()),
        UplinkTesting.agent(dir, "gw-7"), List.of(inst)).orElseThrow();
    assertThat(problems.all()).isEmpty();
    UplinkService s = factory.open(plan, UplinkTesting.context(buffer(), clock, sleeper));
    open.add(s);
    s.start();
    return s;
  }

  void append(ChannelId ch, int n, long offsetSeconds) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      samples.add(Sample.of(ch, T0 + (offsetSeconds + i) * 1_000_000L, offsetSeconds + i + 0.5));
    }
    buffer().append(samples).join();
  }

  long waiting() {
    var b = buffer().stats().uplinks().get("mq");
    return b == null ? 0 : b.samples();
  }

  /** Every (series, time) pair in the recorded per-batch payloads. */
  Set<String> publishedPoints() throws IOException {
    Set<String> out = new HashSet<>();
    for (String payload : broker.data(STATUS)) {
      JsonNode root = JSON.readTree(payload);
      for (var it = root.fields(); it.hasNext(); ) {
        var e = it.next();
        for (JsonNode pair : e.getValue()) {
          out.add(e.getKey() + "@" + pair.get(0).asText());
        }
      }
    }
    return out;
  }

  @Test
  void maxMessageBytesSplitsAnInstrumentsBatchIntoMessagesWithinTheCap() throws Exception {
    append(TEMP, 200, 0);
    append(FLOW, 100, 0);
    UplinkService s = start("maxMessageBytes: 1KiB\n");
    UplinkTesting.awaitDelivered(s, 300);
    List<Broker.Received> data;
    synchronized (broker.received) {
      data = broker.received.stream().filter(r -> !r.topic().equals(STATUS)).toList();
    }
    assertThat(data).allSatisfy(r -> assertThat(r.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .as(r.topic()).isLessThanOrEqualTo(1024));
    // 300 points of ~40 bytes: at least 12 messages, every point in exactly one of them.
    assertThat(data).hasSizeGreaterThanOrEqualTo(12);
    assertThat(data).extracting(Broker.Received::topic).containsOnly("ferry/gw-7/boiler1");
    assertThat(publishedPoints()).hasSize(300);
    assertThat(waiting()).isZero();
  }

  @Test
  void publishesOneJsonMessagePerInstrumentAndBatchOnTheTemplateTopic() throws Exception {
    append(TEMP, 2, 0);
    append(FLOW, 1, 0);
    append(LEVEL, 1, 5);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 4);
    List<Broker.Received> data;
    synchronized (broker.received) {
      data = broker.received.stream().filter(r -> !r.topic().equals(STATUS)).toList();
    }
    assertThat(data).containsExactlyInAnyOrder(
        new Broker.Received("ferry/gw-7/boiler1", "{\"flow\":[[\"2026-01-01T00:00:00.000000Z\",0.5]],"
            + "\"temp\":[[\"2026-01-01T00:00:00.000000Z\",0.5],[\"2026-01-01T00:00:01.000000Z\",1.5]]}"),
        new Broker.Received("ferry/gw-7/tank", "{\"level\":[[\"2026-01-01T00:00:05.000000Z\",5.5]]}"));
    assertThat(broker.received).contains(new Broker.Received(STATUS, "online"));
  }

  @Test
  void perSampleMessages() throws Exception {
    append(TEMP, 2, 0);
    UplinkService s = start("payload: sample\ntopic: site/{gateway}/{uplink}/{instrument}\n");
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(broker.data(STATUS)).containsExactly(
        "{\"channel\":\"temp\",\"t\":\"2026-01-01T00:00:00.000000Z\",\"v\":0.5}",
        "{\"channel\":\"temp\",\"t\":\"2026-01-01T00:00:01.000000Z\",\"v\":1.5}");
    assertThat(broker.received).extracting(Broker.Received::topic).contains("site/gw-7/mq/boiler1");
  }

  @Test
  void theBufferAcknowledgesABatchOnlyAfterItsPuback() throws Exception {
    broker.hold = true;
    append(TEMP, 3, 0);
    UplinkService s = start("");
    // The broker has the message but holds its PUBACK: nothing is acknowledged in the buffer.
    await().atMost(Duration.ofSeconds(20)).until(() -> !broker.held.isEmpty());
    assertThat(s.status().recordsDelivered()).isZero();
    assertThat(waiting()).isEqualTo(3);
    broker.releaseHeld();
    UplinkTesting.awaitDelivered(s, 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting() == 0);
  }

  @Test
  void aBrokerStoppedAndStartedMidStreamLosesNothing() throws Exception {
    int perChannel = 300;
    append(TEMP, perChannel, 0);
    append(FLOW, perChannel, 0);
    UplinkService s = start("batchSize: 20\nbackoffInitial: 50ms\nbackoffMax: 200ms\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> s.status().recordsDelivered() >= 40);
    broker.stop();
    append(LEVEL, perChannel, 0); // keeps buffering while the broker is away
    await().atMost(Duration.ofSeconds(20)).until(() -> s.status().state() == UplinkState.BACKING_OFF);
    long deliveredWhileDown = s.status().recordsDelivered();
    broker.start();
    UplinkTesting.awaitDelivered(s, 3L * perChannel);
    assertThat(deliveredWhileDown).isLessThan(3L * perChannel);
    Set<String> expected = new HashSet<>();
    for (String ch : List.of("temp", "flow", "level")) {
      for (int i = 0; i < perChannel; i++) {
        expected.add(ch + "@" + Rfc3339.micros(T0 + i * 1_000_000L));
      }
    }
    assertThat(publishedPoints()).containsAll(expected).hasSize(expected.size());
    assertThat(waiting()).isZero();
  }

  @Test
  void theLastWillIsPublishedWhenTheClientDies() throws Exception {
    List<String> statuses = Collections.synchronizedList(new ArrayList<>());
    MqttClient watcher = new MqttClient(broker.url(), "watcher", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    watcher.connect(o);
    watcher.subscribe(STATUS, 1, (topic, m) -> statuses.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
    try {
      append(TEMP, 1, 0);
      UplinkService s = start("");
      UplinkTesting.awaitDelivered(s, 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses.contains("online"));
      sockets.cutAll(); // the gateway's connection dies without a DISCONNECT
      await().atMost(Duration.ofSeconds(20)).until(() -> statuses.indexOf("offline") > statuses.indexOf("online"));
      // The will is retained: a subscriber arriving later learns that the gateway is offline.
      List<String> late = Collections.synchronizedList(new ArrayList<>());
      MqttClient later = new MqttClient(broker.url(), "late-watcher", new MemoryPersistence());
      later.connect(o);
      later.subscribe(STATUS, 1, (topic, m) -> late.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
      await().atMost(Duration.ofSeconds(10)).until(() -> late.contains("offline"));
      later.disconnect();
      later.close();
    } finally {
      watcher.disconnect();
      watcher.close();
    }
  }

  @Test
  void aCleanStopLeavesOfflineRetained() throws Exception {
    append(TEMP, 1, 0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 1);
    s.close();
    open.remove(s);
    assertThat(broker.received).extracting(Broker.Received::payload).containsSubsequence("online", "offline");
  }
}
