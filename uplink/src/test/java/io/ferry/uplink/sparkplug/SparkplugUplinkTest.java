package io.ferry.uplink.sparkplug;

import static io.ferry.uplink.UplinkTesting.T0;
import static io.ferry.uplink.sparkplug.SparkplugFixtures.LEVEL;
import static io.ferry.uplink.sparkplug.SparkplugFixtures.TEMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.uplink.InstrumentVerdicts;
import io.ferry.uplink.InstrumentWatch;
import io.ferry.uplink.InstrumentWrites;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.testsupport.mqtt.Broker;
import io.ferry.uplink.mqtt.CuttableSockets;
import io.ferry.uplink.sparkplug.SparkplugHost.Msg;
import io.ferry.uplink.sparkplug.SparkplugHost.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import okhttp3.OkHttpClient;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sparkplug uplink against an embedded HiveMQ CE broker, a real SQLite buffer and a small
 * Sparkplug host that decodes everything with Tahu.
 */
class SparkplugUplinkTest {
  static final String EDGE = "gw-7";

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  final List<AutoCloseable> open = new ArrayList<>();
  final CuttableSockets sockets = new CuttableSockets();
  @RegisterExtension final Broker broker = Broker.perTest();
  SparkplugHost host;
  Buffer buffer;

  @BeforeEach
  void startHost() throws Exception {
    host = new SparkplugHost(broker.url(), "plant", "scada");
  }

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
    host.close();
  }

  Buffer buffer() {
    if (buffer == null) {
      buffer = UplinkTesting.buffer(dir, SparkplugFixtures.specs("sp"), clock);
      open.add(buffer);
    }
    return buffer;
  }

  UplinkService start(String extraYaml) {
    return start(extraYaml, InstrumentWatch.ALL_UP);
  }

  UplinkService start(String extraYaml, InstrumentWatch instruments) {
    return start(extraYaml, instruments, InstrumentWrites.NONE);
  }

  UplinkService start(String extraYaml, InstrumentWatch instruments, InstrumentWrites writes) {
    Problems problems = new Problems();
    String yaml = "url: " + broker.url() + "\ngroup: plant\n" + extraYaml;
    SparkplugUplinkFactory factory = new SparkplugUplinkFactory(sockets);
    UplinkPlan plan = factory.plan(UplinkTesting.section("sp", "sparkplug", yaml, problems, Map.of()),
        UplinkTesting.agent(dir, EDGE), SparkplugFixtures.instruments("sp")).orElseThrow();
    assertThat(problems.all()).isEmpty();
    UplinkService s = factory.open(plan, new UplinkContext(buffer(), clock, new OkHttpClient(), sleeper, new SplittableRandom(42),
        instruments, writes));
    open.add(s);
    s.start();
    return s;
  }

  void append(ChannelId ch, int n, long firstMicros) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      samples.add(Sample.of(ch, firstMicros + i * 1_000_000L, i + 0.5));
    }
    buffer().append(samples).join();
  }

  long waiting() {
    var b = buffer().stats().uplinks().get("sp");
    return b == null ? 0 : b.samples();
  }

  @Test
  void birthsCarryEveryMetricWithAliasAndDatatypeAndDataUsesAliasesOnly() throws Exception {
    append(LEVEL, 2, T0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 2);
    assertThat(host.types()).containsExactly("NBIRTH", "DBIRTH", "DBIRTH", "DDATA");
    assertThat(host.messages).extracting(Msg::qos).containsOnly(0); // births and DDATA at QoS 0, as the specification says
    Msg nbirth = host.ofType("NBIRTH").get(0);
    assertThat(nbirth.seq()).isZero();
    assertThat(nbirth.payload().getMetrics()).extracting(Metric::getName, Metric::getDataType).containsExactly(
        org.assertj.core.groups.Tuple.tuple("bdSeq", MetricDataType.Int64),
        org.assertj.core.groups.Tuple.tuple("Node Control/Rebirth", MetricDataType.Boolean));
    Msg boiler = host.ofType("DBIRTH").get(0);
    assertThat(boiler.topic()).isEqualTo("spBv1.0/plant/DBIRTH/gw-7/boiler1");
    assertThat(boiler.payload().getMetrics()).extracting(Metric::getName, Metric::getAlias, Metric::getDataType).containsExactly(
        org.assertj.core.groups.Tuple.tuple("temp", 1L, MetricDataType.Double),
        org.assertj.core.groups.Tuple.tuple("temp/avg", 2L, MetricDataType.Double),
        org.assertj.core.groups.Tuple.tuple("temp/count", 3L, MetricDataType.Int64),
        org.assertj.core.groups.Tuple.tuple("energy", 4L, MetricDataType.Double),
        org.assertj.core.groups.Tuple.tuple("energy/increment", 5L, MetricDataType.Double),
        org.assertj.core.groups.Tuple.tuple("state", 6L, MetricDataType.Double));
    Metric temp = boiler.payload().getMetrics().get(0);
    assertThat(temp.getProperties().getPropertyValue("engUnit").getValue()).isEqualTo("degC");
    assertThat(temp.getProperties().getPropertyValue("description").getValue()).isEqualTo("supply temperature");
    assertThat(temp.isNull()).isTrue(); // no value published yet
    assertThat(host.ofType("DBIRTH").get(1).payload().getMetrics()).extracting(Metric::getName, Metric::getAlias)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("level", 7L));
    assertThat(host.values).extracting(Value::device, Value::metric, Value::timeMillis, Value::value, Value::historical).containsExactly(
        org.assertj.core.groups.Tuple.tuple("tank", "level", T0 / 1000, 0.5, false),
        org.assertj.core.groups.Tuple.tuple("tank", "level", T0 / 1000 + 1000, 1.5, false));
    assertThat(host.errors).isEmpty();
  }

  @Test
  void seqIsContinuousAcross600MessagesAndTwoWraps() throws Exception {
    append(LEVEL, 600, T0);
    UplinkService s = start("maxMetrics: 1\nbatchSize: 64\n");
    UplinkTesting.awaitDelivered(s, 600);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 600);
    List<Msg> all = List.copyOf(host.messages);
    assertThat(all).hasSize(603); // NBIRTH, two DBIRTHs, 600 DDATA
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).seq()).as("message %d (%s)", i, all.get(i).type()).isEqualTo(i % 256L);
    }
    assertThat(host.values).extracting(Value::timeMillis).doesNotHaveDuplicates().hasSize(600);
    assertThat(host.errors).isEmpty();
  }

  @Test
  void ndeathCarriesTheBdSeqOfItsNbirthAlsoAfterARestartAndAsTheWill() throws Exception {
    append(LEVEL, 1, T0);
    UplinkService first = start("");
    UplinkTesting.awaitDelivered(first, 1);
    long b1 = host.ofType("NBIRTH").get(0).bdSeq();
    first.close(); // clean stop: NDEATH, then DISCONNECT
    open.remove(first);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.ofType("NDEATH").size() == 1);
    assertThat(host.ofType("NDEATH").get(0).bdSeq()).isEqualTo(b1);

    append(LEVEL, 1, T0 + 1_000_000);
    UplinkService second = start(""); // a restart: same buffer, a new handler
    UplinkTesting.awaitDelivered(second, 1);
    long b2 = host.ofType("NBIRTH").get(1).bdSeq();
    assertThat(b2).isEqualTo((b1 + 1) % 256);
    assertThat(buffer().uplinkState("sp").get(SparkplugHandler.BD_SEQ_KEY)).contains(Long.toString(b2));
    sockets.cutAll(); // the process dies without DISCONNECT: the broker publishes the will
    await().atMost(Duration.ofSeconds(20)).until(() -> host.ofType("NDEATH").size() == 2);
    assertThat(host.ofType("NDEATH").get(1).bdSeq()).isEqualTo(b2);
    assertThat(host.ofType("NDEATH").get(1).topic()).isEqualTo("spBv1.0/plant/NDEATH/gw-7");
    assertThat(host.ofType("NDEATH")).extracting(Msg::qos).containsOnly(1);
    assertThat(host.ofType("NDEATH").get(1).seq()).isNull(); // NDEATH carries no seq
  }

  @Test
  void aRebirthCommandGetsNbirthAndEveryDbirthWithTheSameBdSeqAndLastValues() throws Exception {
    append(LEVEL, 1, T0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 1);
    host.rebirth(EDGE);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.ofType("DBIRTH").size() == 4);
    assertThat(host.types()).containsExactly("NBIRTH", "DBIRTH", "DBIRTH", "DDATA", "NBIRTH", "DBIRTH", "DBIRTH");
    List<Msg> all = List.copyOf(host.messages);
    assertThat(all.subList(4, 7)).extracting(Msg::seq).containsExactly(0L, 1L, 2L);
    assertThat(all.get(4).bdSeq()).isEqualTo(all.get(0).bdSeq());
    // The tank's DBIRTH carries the value already published.
    Metric level = all.get(6).payload().getMetrics().get(0);
    assertThat(level.getValue()).isEqualTo(0.5);
    append(LEVEL, 1, T0 + 1_000_000);
    UplinkTesting.awaitDelivered(s, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.messages.size() == 8);
    assertThat(host.messages.get(7).seq()).isEqualTo(3L);
  }

  @Test
  void withAPrimaryHostNothingIsPublishedWhileItIsOfflineThenBirthsBacklogAsHistoryAndLiveDataExactlyOnce() throws Exception {
    host.state(false, 1_000);
    long backlogStart = T0 - 3_600_000_000L; // an hour before the agent started
    append(LEVEL, 20, backlogStart);
    append(TEMP, 20, backlogStart);
    UplinkService s = start("primaryHostId: scada\ntimeout: 1s\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(s.status().lastError().orElse(""))
        .contains("primary host scada is not online"));
    append(LEVEL, 10, backlogStart + 20_000_000L); // keeps buffering
    assertThat(waiting()).isEqualTo(50);
    assertThat(host.messages).isEmpty();
    assertThat(s.status().notes()).anySatisfy(n -> assertThat(n).contains("primary host scada is offline"));

    host.state(true, 2_000);
    UplinkTesting.awaitDelivered(s, 50);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 50);
    assertThat(host.types().subList(0, 3)).containsExactly("NBIRTH", "DBIRTH", "DBIRTH");
    assertThat(host.types().subList(3, host.types().size())).containsOnly("DDATA");
    assertThat(host.values).allSatisfy(v -> assertThat(v.historical()).as("%s", v).isTrue());
    // In time order within a lease: the host sees each metric's history ascending.
    assertThat(host.values.stream().filter(v -> v.metric().equals("level")).map(Value::timeMillis).toList()).isSorted();

    clock.advance(Duration.ofHours(1));
    long live = MicroTime.now(clock);
    append(LEVEL, 5, live);
    UplinkTesting.awaitDelivered(s, 55);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 55);
    assertThat(host.values.subList(50, 55)).allSatisfy(v -> assertThat(v.historical()).isFalse());

    // The host goes away mid-session: NDEATH, then nothing while it is offline.
    host.state(false, 3_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.ofType("NDEATH").size() == 1);
    assertThat(host.ofType("NDEATH").get(0).bdSeq()).isEqualTo(host.ofType("NBIRTH").get(0).bdSeq());
    int before = host.messages.size();
    append(TEMP, 5, live - 10_000_000L);
    await().atMost(Duration.ofSeconds(20)).until(() -> s.status().state() == io.ferry.uplink.UplinkState.BACKING_OFF
        && String.valueOf(s.status().lastError().orElse("")).contains("not online"));
    assertThat(host.messages).hasSize(before);
    assertThat(waiting()).isEqualTo(5);

    host.state(true, 4_000);
    UplinkTesting.awaitDelivered(s, 60);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 60);
    assertThat(host.ofType("NBIRTH")).hasSize(2);
    assertThat(host.ofType("NBIRTH").get(1).bdSeq()).isEqualTo((host.ofType("NBIRTH").get(0).bdSeq() + 1) % 256);
    assertThat(host.values.subList(55, 60)).allSatisfy(v -> assertThat(v.historical()).isTrue());

    // Every sample exactly once in the host's view.
    Set<String> seen = new HashSet<>();
    for (Value v : host.values) {
      assertThat(seen.add(v.device() + "/" + v.metric() + "@" + v.timeMillis())).as("%s once", v).isTrue();
    }
    assertThat(seen).hasSize(60);
    assertThat(waiting()).isZero();
    assertThat(host.errors).isEmpty();
  }

  @Test
  void withDataQos1ABatchIsAcknowledgedOnlyAfterItsPuback() throws Exception {
    append(LEVEL, 1, T0);
    UplinkService s = start("dataQos: 1\n");
    UplinkTesting.awaitDelivered(s, 1);
    broker.hold = true; // the broker takes the DDATA but holds its PUBACK
    append(LEVEL, 3, T0 + 1_000_000);
    await().atMost(Duration.ofSeconds(20)).until(() -> !broker.held.isEmpty());
    assertThat(s.status().recordsDelivered()).isEqualTo(1);
    assertThat(waiting()).isEqualTo(3);
    broker.releaseHeld();
    UplinkTesting.awaitDelivered(s, 4);
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting() == 0);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(host.values).as("%s %s", host.errors, host.types()).hasSize(4));
  }

  @Test
  void aConnectionCutMidStreamLosesNothingInTheHostsViewAtQos0() throws Exception {
    int n = 3000;
    append(LEVEL, n, T0 - 3_600_000_000L);
    UplinkService s = start("maxMetrics: 10\nbatchSize: 100\nbackoffInitial: 50ms\nbackoffMax: 200ms\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> s.status().recordsDelivered() >= 500);
    sockets.cutAll(); // written DDATA the broker never read are not acknowledged: they go again in the next session
    UplinkTesting.awaitDelivered(s, n);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.stream().map(Value::timeMillis).distinct().count() == n);
    assertThat(host.ofType("NDEATH")).hasSize(1);
    assertThat(host.ofType("NBIRTH")).hasSize(2);
    assertThat(host.ofType("NBIRTH").get(1).bdSeq()).isEqualTo((host.ofType("NDEATH").get(0).bdSeq() + 1) % 256);
    // seq is continuous within each session (a new NBIRTH starts again at 0).
    long expected = 0;
    for (Msg m : List.copyOf(host.messages)) {
      if (m.type().equals("NDEATH")) {
        continue;
      }
      if (m.type().equals("NBIRTH")) {
        expected = 0;
      }
      assertThat(m.seq()).as("%s", m.topic()).isEqualTo(expected);
      expected = (expected + 1) % 256;
    }
    assertThat(waiting()).isZero();
    assertThat(host.errors).isEmpty();
  }

  @Test
  void aReloadThatAddsAnInstrumentRestartsTheSessionWithItsDbirth() throws Exception {
    Problems problems = new Problems();
    SparkplugUplinkFactory factory = new SparkplugUplinkFactory(sockets);
    String yaml = "url: " + broker.url() + "\ngroup: plant\n";
    var boilerOnly = factory.plan(UplinkTesting.section("sp", "sparkplug", yaml, problems, Map.of()),
        UplinkTesting.agent(dir, EDGE), SparkplugFixtures.instruments("sp").subList(0, 1)).orElseThrow();
    var both = factory.plan(UplinkTesting.section("sp", "sparkplug", yaml, problems, Map.of()),
        UplinkTesting.agent(dir, EDGE), SparkplugFixtures.instruments("sp")).orElseThrow();
    // The agent restarts an uplink whose plan changed (ReloadDiff): the devices are part of the plan.
    assertThat(both).isNotEqualTo(boilerOnly);
    append(TEMP, 1, T0);
    UplinkService first = factory.open(boilerOnly, UplinkTesting.context(buffer(), clock, sleeper));
    first.start();
    UplinkTesting.awaitDelivered(first, 1);
    first.close();
    append(LEVEL, 1, T0);
    UplinkService second = factory.open(both, UplinkTesting.context(buffer(), clock, sleeper));
    open.add(second);
    second.start();
    UplinkTesting.awaitDelivered(second, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 2);
    assertThat(host.types()).containsExactly("NBIRTH", "DBIRTH", "DDATA", "NDEATH", "NBIRTH", "DBIRTH", "DBIRTH", "DDATA");
    assertThat(host.ofType("DBIRTH")).extracting(Msg::device).containsExactly("boiler1", "boiler1", "tank");
  }

  @Test
  void aDcmdIsAWriteWithSourceSparkplugOffPahosThreadAndARebirthIsServedWhileItWaits() throws Exception {
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch slaveAnswers = new java.util.concurrent.CountDownLatch(1);
    InstrumentWrites writes = (source, channel, value) -> {
      asked.add(source + " " + channel + " = " + value);
      slaveAnswers.await(); // an instrument slow to answer holds the write, nothing else
      return channel.equals("boiler1/temp") ? new InstrumentWrites.Answer("applied", "")
          : new InstrumentWrites.Answer("rejected", "not writable");
    };
    append(LEVEL, 1, T0);
    UplinkService s = start("", InstrumentWatch.ALL_UP, writes);
    UplinkTesting.awaitDelivered(s, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 1);

    host.command(EDGE, "boiler1", false, new Metric.MetricBuilder("temp", MetricDataType.Double, 42.5).createMetric());
    await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 1);
    host.rebirth(EDGE); // the write still waits for its instrument: the births do not
    await().atMost(Duration.ofSeconds(10)).until(() -> host.ofType("NBIRTH").size() == 2);
    long avgAlias = host.alias("boiler1", "temp/avg");
    host.command(EDGE, "boiler1", true, new Metric.MetricBuilder(avgAlias, MetricDataType.Double, 1.0).createMetric());
    slaveAnswers.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 2);
    assertThat(asked).as("in arrival order; the agent's write rules refuse what is not a writable channel")
        .containsExactly("sparkplug boiler1/temp = 42.5", "sparkplug boiler1/temp/avg = 1");
    assertThat(host.errors).isEmpty();
  }

  @Test
  void anInstrumentDownGetsDdeathAndWhenBackADbirthBeforeItsNextDdata() throws Exception {
    InstrumentVerdicts watch = new InstrumentVerdicts(); // the agent's verdict, as the test sets it
    append(LEVEL, 1, T0);
    UplinkService s = start("", watch);
    UplinkTesting.awaitDelivered(s, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 1);

    watch.set(Set.of("tank")); // the agent judges the tank down: DDEATH, nothing else
    await().atMost(Duration.ofSeconds(10)).until(() -> host.ofType("DDEATH").size() == 1);
    Msg death = host.ofType("DDEATH").get(0);
    assertThat(death.topic()).isEqualTo("spBv1.0/plant/DDEATH/gw-7/tank");
    assertThat(death.seq()).isEqualTo(4L); // NBIRTH 0, DBIRTH 1, 2, DDATA 3
    assertThat(death.payload().getMetrics()).isEmpty();

    // A record of the dead tank (buffered before it went down, a rollup closing after): delivered
    // between a DBIRTH and a DDEATH, so the host never sees DDATA of a device it holds dead.
    append(LEVEL, 1, T0 + 1_000_000);
    UplinkTesting.awaitDelivered(s, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.ofType("DDEATH").size() == 2);

    watch.set(Set.of()); // back up: DBIRTH at once, then its data
    await().atMost(Duration.ofSeconds(10)).until(() -> host.ofType("DBIRTH").size() == 4);
    append(LEVEL, 1, T0 + 2_000_000);
    UplinkTesting.awaitDelivered(s, 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 3);
    assertThat(host.types()).containsExactly("NBIRTH", "DBIRTH", "DBIRTH", "DDATA", "DDEATH", "DBIRTH", "DDATA", "DDEATH",
        "DBIRTH", "DDATA");
    List<Msg> all = List.copyOf(host.messages);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).seq()).as("message %d (%s)", i, all.get(i).type()).isEqualTo((long) i);
    }
    // The DBIRTH of its return carries the last value published, then the new value follows.
    assertThat(all.get(8).payload().getMetrics().get(0).getValue()).isEqualTo(0.5);
    assertThat(host.values).extracting(Value::timeMillis).containsExactly(T0 / 1000, T0 / 1000 + 1000, T0 / 1000 + 2000);
    assertThat(host.errors).isEmpty();
  }

  @Test
  void aDeviceWhoseInstrumentIsDownAtBirthIsBornThenDiesAtOnce() throws Exception {
    InstrumentVerdicts watch = new InstrumentVerdicts(); // the agent's verdict, as the test sets it
    watch.set(Set.of("boiler1"));
    append(LEVEL, 1, T0);
    UplinkService s = start("", watch);
    UplinkTesting.awaitDelivered(s, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 1);
    // The host learns the boiler's metrics from its DBIRTH and holds it dead; the tank's data flows.
    assertThat(host.types()).containsExactly("NBIRTH", "DBIRTH", "DBIRTH", "DDEATH", "DDATA");
    assertThat(host.ofType("DDEATH").get(0).device()).isEqualTo("boiler1");
    assertThat(host.errors).isEmpty();
  }
}
