package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.ValueKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AtomscaleCommandTest {
  @TempDir Path dir;
  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> requests = new ArrayList<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() throws Exception {
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        requests.add(r);
        String path = r.getUrl().encodedPath();
        if (path.endsWith("/initialize")) {
          return new MockResponse.Builder().code(200).body("{\"data_id\":\"d-1\",\"processed_data_id\":\"p-1\"}").build();
        }
        if (path.endsWith("/chunk/multi")) {
          return new MockResponse.Builder().code(200).body(
              "[{\"data_id\":\"d-1\",\"channel_name\":\"thickness\",\"chunk_index\":0,\"total_points\":1},"
                  + "{\"data_id\":\"d-1\",\"channel_name\":\"rate\",\"chunk_index\":0,\"total_points\":1}]").build();
        }
        return new MockResponse.Builder().code(200).body("{\"data_id\":\"d-1\",\"processed_data_id\":\"p-1\"}").build();
      }
    });
    server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("key"), "as-key-1234\n");
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n",
        "gatewayId: gw1",
        "stateDir: " + dir.resolve("state"),
        "uplinks:",
        "  as:",
        "    type: atomscale",
        "    url: http://127.0.0.1:" + server.getPort(),
        "    apiKey: ${file:" + dir.resolve("key") + "}",
        "    pointsPerChunk: 3",
        "  local:",
        "    type: jsonl",
        "    path: out.jsonl",
        ""));
    Files.writeString(conf.resolve("instruments.d/dep1.yaml"), String.join("\n",
        "id: dep1",
        "driver: simulated",
        "poll: 1s",
        "uplinks: [as]",
        "channels:",
        "  - {name: thickness, unit: nm, wave: sine}",
        "  - {name: rate, unit: nm/s, wave: ramp}",
        ""));
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  List<ChannelSpec> specs() {
    return List.of(spec("thickness"), spec("rate"));
  }

  static ChannelSpec spec(String name) {
    return new ChannelSpec(ChannelId.of("dep1", name), "", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(),
        Map.of("as", EnumSet.of(Route.RAW)));
  }

  int run(String... args) {
    CommandLine cl = new CommandLine(new AtomscaleCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void sendsFullChunksThenThePartialOneThenFinalizes() throws Exception {
    // Recent times: the configured buffer drops samples older than its maxAge (30 days by default).
    long base = (System.currentTimeMillis() / 1000 - 100) * 1_000_000L;
    try (Buffer b = SqliteBuffer.open(BufferOptions.defaults(dir.resolve("state/buffer.db")), specs(), InstantSource.system())) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        samples.add(Sample.of(ChannelId.of("dep1", "thickness"), base + i * 1_000_000L, i));
        samples.add(Sample.of(ChannelId.of("dep1", "rate"), base + i * 1_000_000L, 10 + i));
      }
      b.append(samples).join();
    }
    int code = run("finalize", "--config", dir.resolve("conf").toString(), "--instrument", "dep1");
    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    assertThat(out.toString()).contains("finalized stream d-1 of dep1 (2 chunks, 8 samples sent)");
    assertThat(requests).extracting(r -> r.getUrl().encodedPath()).containsExactly(
        "/metrology/stream/initialize", "/metrology/stream/chunk/multi", "/metrology/stream/chunk/multi", "/metrology/stream/d-1/finalize");
    assertThat(requests.get(2).getBody().utf8()).isEqualTo("{\"data_id\":\"d-1\",\"chunk_index\":1,\"channels\":{"
        + "\"thickness\":{\"timestamps\":[" + (base / 1_000_000 + 3) + ".0],\"values\":[3.0],\"units\":\"nm\"},"
        + "\"rate\":{\"timestamps\":[" + (base / 1_000_000 + 3) + ".0],\"values\":[13.0],\"units\":\"nm/s\"}}}");
    assertThat(requests.get(3).getHeaders().get("X-API-KEY")).isEqualTo("as-key-1234");
    try (Buffer b = SqliteBuffer.open(BufferOptions.defaults(dir.resolve("state/buffer.db")), specs(), InstantSource.system())) {
      assertThat(b.lease("as", LeaseRequest.of(100)).isEmpty()).isTrue();
      assertThat(b.uplinkState("as").get("dataId/dep1")).isEmpty();
    }
  }

  @Test
  void unknownInstrumentIsAConfigError() {
    int code = run("finalize", "--config", dir.resolve("conf").toString(), "--instrument", "nope");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("instrument \"nope\" is not defined");
    assertThat(requests).isEmpty();
  }

  @Test
  void missingOptionIsAUsageError() {
    assertThat(run("finalize", "--config", dir.toString())).isEqualTo(2);
  }
}
