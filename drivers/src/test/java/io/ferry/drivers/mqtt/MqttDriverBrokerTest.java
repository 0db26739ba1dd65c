package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.ChannelId;
import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.mqtt.TestSinks.RecordingSink;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.testsupport.mqtt.Broker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT driver against a real broker (HiveMQ CE embedded, one per class, on loopback). Each
 * test uses its own topics and client ids because the broker keeps retained messages and
 * sessions for the whole class.
 */
class MqttDriverBrokerTest {
  private static final Instant ARRIVAL = Instant.parse("2026-03-01T12:00:00Z");
  private static final long ARRIVAL_MICROS = MicroTime.micros(ARRIVAL);
  private static final long T0 = 1_700_000_000_000_000L;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String KEYSTORE_PASSWORD = "changeit";

  @TempDir static Path brokerDir;
  static Broker broker;
  static Path caPem;
  static Path otherCaPem;

  @TempDir Path dir;
  private final List<MqttDriver> drivers = new ArrayList<>();
  private final AtomicInteger configs = new AtomicInteger();
  private MqttClient publisher;

  @BeforeAll
  static void startBroker() throws Exception {
    TestCertificates.Ca ca = TestCertificates.ca("Ferry Test CA");
    caPem = ca.writePem(brokerDir.resolve("ca.pem"));
    otherCaPem = TestCertificates.ca("Some Other CA").writePem(brokerDir.resolve("other-ca.pem"));
    // The broker's certificate names localhost only: connecting to 127.0.0.1 must fail hostname verification.
    Path keyStore = TestCertificates.serverKeyStore(ca, brokerDir.resolve("server.jks"), KEYSTORE_PASSWORD,
        new String[] {"localhost"}, new String[0]);
    broker = Broker.withTls(brokerDir, keyStore, KEYSTORE_PASSWORD);
    broker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.stop();
    }
  }

  @AfterEach
  void closeEverything() throws Exception {
    drivers.forEach(MqttDriver::close);
    if (publisher != null && publisher.isConnected()) {
      publisher.disconnect();
      publisher.close();
    }
  }

  // ------------------------------------------------------------------ helpers

  private MqttDriver open(String yaml, Map<String, String> env, Path stateDir, RecordingSink sink, CountingMetrics metrics) {
    MqttPlan plan = TestPlans.plan(dir.resolve("cfg" + configs.incrementAndGet()), yaml, env).mqtt();
    MqttDriver d = new MqttDriver(plan, new DriverContext(Clock.fixed(ARRIVAL, ZoneOffset.UTC), stateDir, metrics));
    drivers.add(d);
    d.start(sink);
    return d;
  }

  private MqttDriver open(String yaml, Path stateDir, RecordingSink sink, CountingMetrics metrics) {
    return open(yaml, Map.of(), stateDir, sink, metrics);
  }

  private void publish(String topic, String payload, boolean retained) throws Exception {
    if (publisher == null) {
      publisher = new MqttClient(broker.url(), "test-publisher-" + System.nanoTime(), new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setCleanSession(true);
      publisher.connect(o);
    }
    publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retained);
  }

  private static String numberInstrument(String clientId, String topic) {
    return """
        id: plant
        driver: mqtt
        connection: {url: "%s", clientId: %s, backoffInitial: 50ms, backoffMax: 500ms}
        subscriptions:
          - {topic: "%s", payload: number, channel: v}
        channels:
          - {name: v}
        """.formatted(broker.url(), clientId, topic);
  }

  private static void awaitConnected(CountingMetrics m, int times) {
    await().atMost(WAIT).until(() -> m.states.stream().filter("connected"::equals).count() >= times);
  }

  private static ChannelId ch(String name) {
    return ChannelId.of("plant", name);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void mapsJsonRecordsAndTopicLevelsToChannels() throws Exception {
    RecordingSink sink = new RecordingSink();
    CountingMetrics m = new CountingMetrics();
    open("""
        id: plant
        driver: mqtt
        connection: {url: "%s", clientId: it-json}
        subscriptions:
          - topic: json/plant/+/env
            records: readings
            timestamp: ts
            values:
              - {path: temp, channel: "{3}_temp"}
              - {path: state, channel: "{3}_state", type: text}
          - {topic: "json/plant/+/power", payload: number, channel: "{3}_power"}
        channels:
          - {name: line1_temp}
          - {name: line1_state}
          - {name: line2_temp}
          - {name: line1_power}
        """.formatted(broker.url()), dir.resolve("state"), sink, m);
    awaitConnected(m, 1);

    publish("json/plant/line1/env", """
        {"readings": [{"ts": 1700000000, "temp": 21.5, "state": "RUN"}, {"ts": 1700000001000, "temp": 22}]}""", false);
    publish("json/plant/line2/env", "{\"readings\": [{\"ts\": \"2023-11-14T22:13:22Z\", \"temp\": 19}]}", false);
    publish("json/plant/line9/env", "{\"readings\": [{\"ts\": 1700000000, \"temp\": 1}]}", false);
    publish("json/plant/line1/power", "1234.5", false);

    await().atMost(WAIT).until(() -> sink.samples.size() >= 5);
    assertThat(sink.samples).containsExactly(
        Sample.of(ch("line1_temp"), T0, 21.5),
        Sample.text(ch("line1_state"), T0, "RUN", Quality.GOOD),
        Sample.of(ch("line1_temp"), T0 + 1_000_000, 22),
        Sample.of(ch("line2_temp"), T0 + 2_000_000, 19),
        Sample.of(ch("line1_power"), ARRIVAL_MICROS, 1234.5));
    assertThat(m.get("unmapped")).as("line9_temp, line9_state and line2_state are not declared").isEqualTo(3);
    assertThat(m.get("missing")).as("the second line1 record has no state").isEqualTo(1);
    assertThat(m.get("messages")).isEqualTo(4);
  }

  @Test
  void retainedAndQueuedMessagesSurviveAFerryRestartWithTheSameClientId() throws Exception {
    Path state = dir.resolve("state");
    publish("persist/m", "1", true);

    RecordingSink first = new RecordingSink();
    CountingMetrics m1 = new CountingMetrics();
    MqttDriver a = open(numberInstrument("it-persist", "persist/m"), state, first, m1);
    await().atMost(WAIT).until(() -> first.samples.size() == 1);
    assertThat(first.samples).containsExactly(Sample.of(ch("v"), ARRIVAL_MICROS, 1, Quality.UNCERTAIN))
        .as("a retained value stamped on arrival is of unknown age");
    a.close();

    // Ferry is down: the broker queues these for the persistent session.
    publish("persist/m", "2", false);
    publish("persist/m", "3", false);

    RecordingSink second = new RecordingSink();
    CountingMetrics m2 = new CountingMetrics();
    open(numberInstrument("it-persist", "persist/m"), state, second, m2);
    await().atMost(WAIT).until(() -> second.samples.size() >= 2);
    awaitConnected(m2, 1);
    publish("persist/m", "4", false);
    await().atMost(WAIT).until(() -> second.samples.size() >= 3);
    assertThat(second.values()).as("queued messages first, then live ones; the retained 1 is not delivered again")
        .containsExactly(2.0, 3.0, 4.0);
    assertThat(second.samples).allMatch(s -> s.quality() == Quality.GOOD);
  }

  @Test
  void aResumedSessionSubscribesOnlyToFiltersAddedSinceTheLastRun() throws Exception {
    Path state = dir.resolve("state");
    publish("change/a", "1", true);
    publish("change/b", "2", true);
    String one = """
        id: plant
        driver: mqtt
        connection: {url: "%s", clientId: it-change}
        subscriptions:
          - {topic: change/a, payload: number, channel: a}
        channels:
          - {name: a}
          - {name: b}
        """.formatted(broker.url());
    RecordingSink first = new RecordingSink();
    MqttDriver a = open(one, state, first, new CountingMetrics());
    await().atMost(WAIT).until(() -> first.samples.size() == 1);
    a.close();

    String two = one.replace("""
          - {topic: change/a, payload: number, channel: a}
        """, """
          - {topic: change/a, payload: number, channel: a}
          - {topic: change/b, payload: number, channel: b}
        """);
    RecordingSink second = new RecordingSink();
    CountingMetrics m = new CountingMetrics();
    open(two, state, second, m);
    awaitConnected(m, 1);
    await().atMost(WAIT).until(() -> second.samples.size() >= 1);
    publish("change/a", "3", false);
    await().atMost(WAIT).until(() -> second.samples.size() >= 2);
    assertThat(second.samples).extracting(Sample::channel, Sample::value)
        .as("the retained value of the new filter arrives; the one of the kept filter is not resent")
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ch("b"), 2.0), org.assertj.core.groups.Tuple.tuple(ch("a"), 3.0));
  }

  @Test
  void nothingIsAcknowledgedBeforeTheSinkCompleted() throws Exception {
    Path state = dir.resolve("state");
    RecordingSink holding = new RecordingSink();
    holding.hold = true;
    CountingMetrics m1 = new CountingMetrics();
    MqttDriver a = open(numberInstrument("it-ack", "ack/m"), state, holding, m1);
    awaitConnected(m1, 1);
    publish("ack/m", "10", false);
    await().atMost(WAIT).until(() -> holding.held.size() == 1);
    // Ferry dies before the buffer committed: the message must not have been acknowledged.
    a.close();
    holding.held.forEach(f -> f.complete(null)); // too late: the session is gone

    RecordingSink second = new RecordingSink();
    CountingMetrics m2 = new CountingMetrics();
    MqttDriver b = open(numberInstrument("it-ack", "ack/m"), state, second, m2);
    await().atMost(WAIT).until(() -> second.samples.size() >= 1);
    assertThat(second.values()).as("the broker delivered the unacknowledged message again").containsExactly(10.0);
    awaitConnected(m2, 1);
    publish("ack/m", "11", false);
    await().atMost(WAIT).until(() -> second.samples.size() >= 2);
    b.close();

    // Both were stored and acknowledged by b: a third run gets only what is new.
    publish("ack/m", "12", false);
    RecordingSink third = new RecordingSink();
    open(numberInstrument("it-ack", "ack/m"), state, third, new CountingMetrics());
    await().atMost(WAIT).until(() -> third.samples.size() >= 1);
    assertThat(third.values()).containsExactly(12.0);
  }

  @Test
  void atMostMaxPendingMessagesWaitForTheBufferAndAllAreAcknowledgedOnceStored() throws Exception {
    Path state = dir.resolve("state");
    String yaml = numberInstrument("it-pending", "pending/m").replace("backoffMax: 500ms}", "backoffMax: 500ms, maxPending: 2}");
    RecordingSink slow = new RecordingSink();
    slow.hold = true;
    CountingMetrics m = new CountingMetrics();
    MqttDriver a = open(yaml, state, slow, m);
    awaitConnected(m, 1);
    for (int i = 1; i <= 6; i++) {
      publish("pending/m", String.valueOf(i), false);
    }
    // How many messages the broker sends before the first acknowledgement is its choice (HiveMQ
    // sends one, then batches); Ferry must never have more than maxPending waiting for the buffer.
    while (slow.samples.size() < 6 || unfinished(slow) > 0) {
      await().atMost(WAIT).until(() -> unfinished(slow) > 0);
      await("messages waiting for the buffer").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
          .until(() -> unfinished(slow), org.hamcrest.Matchers.lessThanOrEqualTo(2L));
      // The buffer finishes them newest first: acknowledgements still go out in arrival order.
      List<java.util.concurrent.CompletableFuture<Void>> open = slow.held.stream().filter(f -> !f.isDone()).toList();
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).complete(null);
      }
    }
    assertThat(slow.values()).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    await().atMost(WAIT).until(() -> m.get("samples") == 6);
    a.close();

    // Every one was acknowledged: a restart gets only what is new.
    publish("pending/m", "7", false);
    RecordingSink next = new RecordingSink();
    open(yaml, state, next, new CountingMetrics());
    await().atMost(WAIT).until(() -> next.samples.size() >= 1);
    assertThat(next.values()).containsExactly(7.0);
  }

  private static long unfinished(RecordingSink sink) {
    return sink.held.stream().filter(f -> !f.isDone()).count();
  }

  @Test
  void aRefusingBufferGetsTheMessageAgainAfterAReconnect() throws Exception {
    RecordingSink sink = new RecordingSink();
    sink.refuseWith = new IllegalStateException("buffer full");
    CountingMetrics m = new CountingMetrics();
    open(numberInstrument("it-refuse", "refuse/m"), dir.resolve("state"), sink, m);
    awaitConnected(m, 1);
    publish("refuse/m", "7", false);
    await().atMost(WAIT).until(() -> m.get("refused") >= 1);
    sink.refuseWith = null; // the buffer has room again
    await().atMost(WAIT).until(() -> m.get("samples") >= 1);
    assertThat(sink.values()).as("refused once, redelivered by the broker after the reconnect, then stored")
        .startsWith(7.0).endsWith(7.0);
    assertThat(m.get("bufferRefusals")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void malformedPayloadsAreCountedAndTheDriverKeepsDelivering() throws Exception {
    Path state = dir.resolve("state");
    String yaml = """
        id: plant
        driver: mqtt
        connection: {url: "%s", clientId: it-malformed}
        subscriptions:
          - {topic: bad/m, values: [{path: v, channel: v}]}
        channels:
          - {name: v}
        """.formatted(broker.url());
    RecordingSink sink = new RecordingSink();
    CountingMetrics m = new CountingMetrics();
    MqttDriver a = open(yaml, state, sink, m);
    awaitConnected(m, 1);
    publish("bad/m", "this is not json", false);
    publish("bad/m", "{\"v\": \"abc\"}", false);
    publish("bad/m", "{\"v\": [1, 2", false);
    publish("bad/m", "{\"v\": 5}", false);
    await().atMost(WAIT).until(() -> sink.samples.size() >= 1);
    assertThat(sink.values()).containsExactly(5.0);
    assertThat(m.get("malformed")).isEqualTo(3);
    assertThat(m.get("disconnects")).isZero();
    assertThat(m.state()).isEqualTo("connected");
    a.close();

    // Malformed messages were acknowledged too: they do not come back after a restart.
    publish("bad/m", "{\"v\": 6}", false);
    RecordingSink next = new RecordingSink();
    CountingMetrics m2 = new CountingMetrics();
    open(yaml, state, next, m2);
    await().atMost(WAIT).until(() -> next.samples.size() >= 1);
    assertThat(next.values()).containsExactly(6.0);
    assertThat(m2.get("malformed")).isZero();
  }

  @Test
  void reconnectsAndResubscribesWhenTheBrokerDroppedTheSession() throws Exception {
    RecordingSink sink = new RecordingSink();
    CountingMetrics m = new CountingMetrics();
    open(numberInstrument("it-reconnect", "reconnect/m"), dir.resolve("state"), sink, m);
    awaitConnected(m, 1);
    publish("reconnect/m", "1", false);
    await().atMost(WAIT).until(() -> sink.samples.size() == 1);

    // Another client takes the client id with a clean session: the broker drops Ferry's
    // connection and discards its session, subscriptions included.
    MqttClient thief = new MqttClient(broker.url(), "it-reconnect", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    thief.connect(o);
    thief.disconnect();
    thief.close();

    awaitConnected(m, 2);
    publish("reconnect/m", "2", false);
    await().atMost(WAIT).until(() -> sink.samples.size() >= 2);
    assertThat(sink.values()).containsExactly(1.0, 2.0);
    assertThat(m.get("disconnects")).isGreaterThanOrEqualTo(1);
    assertThat(m.states).containsSubsequence("connected", "backoff", "connecting", "connected");
  }

  @Test
  void tlsWithCaFileVerifiesTheBrokerAndItsHostname() throws Exception {
    String tls = """
        id: plant
        driver: mqtt
        connection:
          url: "ssl://%s:%d"
          clientId: %s
          username: ferry
          password: ${env:MQTT_PASSWORD}
          tls: {caFile: "%s", verifyHostname: %s}
          backoffInitial: 50ms
          backoffMax: 200ms
        subscriptions:
          - {topic: "tls/m", payload: number, channel: v}
        channels:
          - {name: v}
        """;
    Map<String, String> env = Map.of("MQTT_PASSWORD", Broker.PASSWORD);

    RecordingSink ok = new RecordingSink();
    CountingMetrics okMetrics = new CountingMetrics();
    open(tls.formatted("localhost", broker.tlsPort(), "it-tls", caPem, true), env, dir.resolve("s1"), ok, okMetrics);

    CountingMetrics wrongCa = new CountingMetrics();
    RecordingSink none1 = new RecordingSink();
    open(tls.formatted("localhost", broker.tlsPort(), "it-tls-wrong-ca", otherCaPem, true), env, dir.resolve("s2"), none1, wrongCa);

    CountingMetrics wrongName = new CountingMetrics();
    RecordingSink none2 = new RecordingSink();
    open(tls.formatted("127.0.0.1", broker.tlsPort(), "it-tls-wrong-name", caPem, true), env, dir.resolve("s3"), none2, wrongName);

    CountingMetrics noNameCheck = new CountingMetrics();
    RecordingSink relaxed = new RecordingSink();
    open(tls.formatted("127.0.0.1", broker.tlsPort(), "it-tls-relaxed", caPem, false), env, dir.resolve("s4"), relaxed, noNameCheck);

    awaitConnected(okMetrics, 1);
    awaitConnected(noNameCheck, 1);
    await().atMost(WAIT).until(() -> wrongCa.get("connectFailures") >= 2 && wrongName.get("connectFailures") >= 2);
    publish("tls/m", "42", false);
    await().atMost(WAIT).until(() -> ok.samples.size() == 1 && relaxed.samples.size() == 1);
    assertThat(ok.values()).containsExactly(42.0);
    assertThat(wrongCa.states).doesNotContain("connected");
    assertThat(wrongName.states).doesNotContain("connected");
    assertThat(none1.samples).isEmpty();
    assertThat(none2.samples).isEmpty();
  }

  @Test
  void aWrongPasswordIsRetriedWithBackoffNotFatal() throws Exception {
    CountingMetrics m = new CountingMetrics();
    open("""
        id: plant
        driver: mqtt
        connection: {url: "%s", clientId: it-badpw, username: ferry, password: "${env:PW}", backoffInitial: 20ms, backoffMax: 100ms}
        subscriptions:
          - {topic: "pw/m", payload: number, channel: v}
        channels:
          - {name: v}
        """.formatted(broker.url()), Map.of("PW", "wrong"), dir.resolve("state"), new RecordingSink(), m);
    await().atMost(WAIT).until(() -> m.get("connectFailures") >= 3);
    assertThat(m.states).contains("backoff").doesNotContain("connected");
  }
}
