package io.ferry.uplink.jsonl;

import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.buffer.Buffer;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.UplinkTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlUplinkTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ChannelId TEMP = ChannelId.of("boiler1", "temp");
  static final ChannelId STATE = ChannelId.of("boiler1", "state");

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
  }

  UplinkService start(Buffer buffer, String yaml) {
    Problems problems = new Problems();
    Optional<UplinkPlan> plan = new JsonlUplinkFactory().plan(UplinkTesting.section("local", "jsonl", yaml, problems, Map.of()),
        UplinkTesting.agent(dir, "gw1"), List.of());
    assertThat(problems.all()).isEmpty();
    UplinkService s = new JsonlUplinkFactory().open(plan.orElseThrow(), UplinkTesting.context(buffer, clock, sleeper));
    open.add(s);
    s.start();
    return s;
  }

  Buffer buffer() {
    List<ChannelSpec> specs = List.of(UplinkTesting.raw("boiler1/temp", "degC", "local"), UplinkTesting.raw("boiler1/state", "", "local"));
    Buffer b = UplinkTesting.buffer(dir, specs, clock);
    open.add(b);
    return b;
  }

  @Test
  void writesOneLinePerRecordAndAcknowledgesThem() throws Exception {
    Buffer b = buffer();
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      samples.add(Sample.of(TEMP, T0 + i * 1_000_000L + 123_456, 20 + i * 0.5));
    }
    samples.add(Sample.text(STATE, T0, "RUN", Quality.UNCERTAIN));
    samples.add(Sample.of(TEMP, T0 + 999_000_000L, Double.NaN, Quality.BAD));
    b.append(samples).join();
    UplinkService s = start(b, "path: out/samples.jsonl\nbatchSize: 100\n");
    UplinkTesting.awaitDelivered(s, 252);

    List<String> lines = Files.readAllLines(dir.resolve("out/samples.jsonl"));
    assertThat(lines).hasSize(252);
    JsonNode first = lines.stream().map(JsonlUplinkTest::parse).filter(n -> n.path("channel").asText().equals("temp")).findFirst().orElseThrow();
    assertThat(JSON.writeValueAsString(first)).isEqualTo(
        "{\"kind\":\"sample\",\"instrument\":\"boiler1\",\"channel\":\"temp\",\"time\":\"2026-01-01T00:00:00.123456Z\",\"value\":20.0,\"quality\":\"good\"}");
    assertThat(lines).anyMatch(l -> l.equals(
        "{\"kind\":\"sample\",\"instrument\":\"boiler1\",\"channel\":\"state\",\"time\":\"2026-01-01T00:00:00.000000Z\",\"text\":\"RUN\",\"quality\":\"uncertain\"}"));
    assertThat(lines).anyMatch(l -> l.contains("\"value\":null,\"quality\":\"bad\""));
    assertThat(s.status().samplesDelivered()).isEqualTo(252);
    assertThat(s.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(b.lease("local", io.ferry.buffer.LeaseRequest.of(10)).isEmpty()).isTrue();
  }

  @Test
  void afterDeliveringAllThereWasItWaitsForTheNextAppendWithoutLeasingAgain() throws Exception {
    Buffer real = buffer();
    java.util.concurrent.atomic.AtomicInteger leases = new java.util.concurrent.atomic.AtomicInteger();
    Buffer counting = (Buffer) java.lang.reflect.Proxy.newProxyInstance(Buffer.class.getClassLoader(), new Class<?>[] {Buffer.class},
        (proxy, method, args) -> {
          if (method.getName().equals("lease")) {
            leases.incrementAndGet();
          }
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    java.util.concurrent.Semaphore idles = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    io.ferry.core.Sleeper waiting = new io.ferry.core.Sleeper() {
      @Override
      public void sleep(Duration d) {
        clock.advance(d);
      }

      @Override
      public void idle(Duration d) throws InterruptedException {
        idles.release();
        release.await(); // held until the test has counted
      }
    };
    real.append(List.of(Sample.of(TEMP, T0, 1), Sample.of(TEMP, T0 + 1, 2), Sample.of(STATE, T0, 3))).join();
    Problems problems = new Problems();
    UplinkPlan plan = new JsonlUplinkFactory().plan(UplinkTesting.section("local", "jsonl", "path: out.jsonl\n", problems, Map.of()),
        UplinkTesting.agent(dir, "gw1"), List.of()).orElseThrow();
    UplinkService s = new JsonlUplinkFactory().open(plan, new io.ferry.uplink.UplinkContext(counting, clock, new okhttp3.OkHttpClient(), waiting, new java.util.SplittableRandom(42)));
    open.add(() -> {
      release.countDown();
      s.close();
    });
    s.start();
    assertThat(idles.tryAcquire(10, TimeUnit.SECONDS)).as("the runner went idle").isTrue();
    assertThat(s.status().recordsDelivered()).isEqualTo(3);
    assertThat(leases.get()).as("one lease took all three; no empty lease before waiting").isEqualTo(1);
  }

  @Test
  void unwritableFileKeepsEverythingBufferedAndRetries() throws Exception {
    Buffer b = buffer();
    b.append(List.of(Sample.of(TEMP, T0, 1), Sample.of(TEMP, T0 + 1, 2))).join();
    Files.createDirectories(dir.resolve("blocked.jsonl")); // a directory where the file should be
    UplinkService s = start(b, "path: blocked.jsonl\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == UplinkState.BACKING_OFF);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("cannot write"));
    assertThat(s.status().recordsDelivered()).isZero();
    s.close();
    // Nothing was acknowledged: a fresh lease (after the old one expires) still holds both samples.
    clock.advance(Duration.ofHours(1));
    b.flush();
    assertThat(b.lease("local", io.ferry.buffer.LeaseRequest.of(10)).samples()).hasSize(2);
  }

  @Test
  void terminatesAPartialLastLineLeftByACrash() throws Exception {
    Path file = dir.resolve("crash.jsonl");
    Files.writeString(file, "{\"kind\":\"sample\",\"instr");
    Buffer b = buffer();
    b.append(List.of(Sample.of(TEMP, T0, 1))).join();
    UplinkService s = start(b, "path: " + file + "\n");
    UplinkTesting.awaitDelivered(s, 1);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(parse(lines.get(1)).path("value").asDouble()).isEqualTo(1.0);
  }

  @Test
  void pathIsRequired() {
    Problems problems = new Problems();
    Optional<UplinkPlan> plan = new JsonlUplinkFactory().plan(UplinkTesting.section("local", "jsonl", "batchSize: 10\n", problems, Map.of()),
        UplinkTesting.agent(dir, "gw1"), List.of());
    assertThat(plan).isEmpty();
    assertThat(problems.all()).extracting(p -> p.path() + ": " + p.message()).containsExactly("uplinks.local.path: missing required key \"path\"");
  }

  static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }
}
