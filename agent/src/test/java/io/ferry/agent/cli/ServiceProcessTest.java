package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.agent.systemd.UnixDatagramReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry run} as systemd runs it: a separate JVM with {@code NOTIFY_SOCKET} and
 * {@code WATCHDOG_USEC} pointing at a datagram socket this test binds. It reports READY, then
 * STATUS with WATCHDOG pings; {@code ferry reload} (SIGHUP through the pid file) reloads only the
 * edited instrument; SIGTERM stops it with STOPPING and exit code 0.
 */
class ServiceProcessTest {
  @TempDir Path dir;
  final List<String> received = new CopyOnWriteArrayList<>();

  @Test
  void notifiesSystemdReloadsOnSighupAndExitsZeroOnSigterm() throws Exception {
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(config.resolve("agent.yaml"), """
        gatewayId: test
        stateDir: %s
        buffer: {synchronous: normal, commitInterval: 20ms}
        uplinks:
          local: {type: jsonl, path: %s}
        """.formatted(dir.resolve("state"), dir.resolve("uploaded.jsonl")));
    instrument(config, "a", "200ms");
    instrument(config, "b", "200ms");
    Path log = dir.resolve("ferry.log");
    String socket = dir.resolve("notify").toString();
    try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket)) {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "run", "--config", config.toString(), "--status-every", "1s")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("NOTIFY_SOCKET", socket);
      pb.environment().put("WATCHDOG_USEC", "2000000");
      Process p = pb.start();
      try {
        awaitMessage(systemd, "READY=1");
        awaitMessage(systemd, "WATCHDOG=1");
        assertThat(received).filteredOn(m -> m.startsWith("WATCHDOG=1")).first().asString()
            .contains("STATUS=2 instruments | polled ");

        instrument(config, "b", "500ms");
        assertThat(runInProcess("reload", "--config", config.toString())).isZero();
        awaitMessage(systemd, "RELOADING=1");
        int reloading = indexOf("RELOADING=1");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          drain(systemd);
          return received.subList(reloading, received.size()).stream().anyMatch(m -> m.startsWith("READY=1"));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("reloaded: instruments: ~b 1 unchanged; uplinks: unchanged"));

        p.toHandle().destroy(); // SIGTERM, as systemctl stop sends
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        drain(systemd);
      } finally {
        p.destroyForcibly();
      }
      assertThat(p.exitValue()).as("clean stop on SIGTERM; log in %s", log).isZero();
      assertThat(received).anyMatch(m -> m.startsWith("STOPPING=1"));
      assertThat(Files.readString(log)).contains("stopped: polled ");
      assertThat(dir.resolve("state").resolve("ferry.pid")).doesNotExist();
    }
  }

  /**
   * jSerialComm's native library sets SIGHUP to ignored when it loads (Fazecast/jSerialComm#612):
   * with a serial instrument, every reload after its port was first opened did nothing, silently.
   * The service loads the library itself at start and takes SIGHUP back; this child JVM also starts
   * with SIGHUP ignored (as under nohup, or when this test JVM loaded jSerialComm first), and twice
   * {@code ferry reload} must reload.
   */
  @Test
  void aSerialInstrumentDoesNotSilenceTheReloadSignal() throws Exception {
    try (io.ferry.drivers.testsupport.PtyPair pty = io.ferry.drivers.testsupport.PtyPair.open(dir)) { // skips, naming socat
      Path config = dir.resolve("config");
      Files.createDirectories(config.resolve("instruments.d"));
      Files.writeString(config.resolve("agent.yaml"), """
          gatewayId: test
          stateDir: %s
          uplinks:
            local: {type: jsonl, path: %s}
          """.formatted(dir.resolve("state"), dir.resolve("uploaded.jsonl")));
      Files.writeString(config.resolve("instruments.d").resolve("meter.yaml"), """
          id: meter
          driver: serial
          poll: 1s
          connection: {port: %s, baud: 9600, timeout: 200ms}
          command: 'MEAS?'
          uplinks: [local]
          channels:
            - {name: v, pattern: 'V=([-+.0-9]+)'}
          """.formatted(pty.b()));
      instrument(config, "a", "1s");
      Path log = dir.resolve("ferry.log");
      // SIGHUP ignored from the start, the way a nohup'ed or inheriting child gets it.
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", "trap '' HUP; exec \"$0\" \"$@\"",
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "run", "--config", config.toString(), "--status-every", "1s")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Process p = pb.start();
      try {
        // Started, serial port opened on a poll, and the pid file `ferry reload` reads is written (after the start).
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("instrument meter: polling every")
            && Files.exists(dir.resolve("state").resolve("ferry.pid")));
        for (String poll : List.of("2s", "3s")) {
          instrument(config, "a", poll);
          assertThat(runInProcess("reload", "--config", config.toString())).isZero();
          int reloads = poll.equals("2s") ? 1 : 2;
          await().alias("reload " + reloads + " in the log " + log).atMost(Duration.ofSeconds(30))
              .until(() -> Files.readString(log).split("reloaded: instruments: ~a 1 unchanged", -1).length - 1 == reloads);
        }
        p.toHandle().destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(e.getMessage() + "\n" + Files.readString(log), e);
      } finally {
        p.destroyForcibly();
      }
      assertThat(p.exitValue()).as("clean stop on SIGTERM; log in %s", log).isZero();
      assertThat(Files.readString(log)).contains("SIGHUP is a reload again")
          .as("the unchanged serial instrument is not restarted by a reload").doesNotContain("~meter")
          .doesNotContain("PollStats[");
    }
  }

  @Test
  void reloadWithoutARunningServiceSaysSo() throws IOException {
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(config.resolve("agent.yaml"), "gatewayId: test\nstateDir: " + dir.resolve("state")
        + "\nuplinks:\n  local: {type: jsonl, path: " + dir.resolve("x.jsonl") + "}\n");
    instrument(config, "a", "1s");
    java.io.StringWriter err = new java.io.StringWriter();
    int code = new picocli.CommandLine(new Main()).setErr(new java.io.PrintWriter(err, true)).execute("reload", "--config", config.toString());
    assertThat(code).as("%s", err).isEqualTo(Main.EXIT_RUNTIME);
    assertThat(err.toString()).contains("no running ferry found: " + dir.resolve("state").resolve("ferry.pid") + " does not exist");
  }

  private static void instrument(Path config, String id, String poll) throws IOException {
    Files.writeString(config.resolve("instruments.d").resolve(id + ".yaml"), """
        id: %s
        driver: simulated
        poll: %s
        uplinks: [local]
        channels:
          - {name: level, wave: sine, amplitude: 1, period: 10s}
        """.formatted(id, poll));
  }

  private static int runInProcess(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    return new picocli.CommandLine(new Main()).setOut(new java.io.PrintWriter(out, true)).execute(args);
  }

  private int indexOf(String prefix) {
    for (int i = 0; i < received.size(); i++) {
      if (received.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private void drain(UnixDatagramReceiver r) {
    for (var m = r.poll(); m.isPresent(); m = r.poll()) {
      received.add(m.get());
    }
  }

  private void awaitMessage(UnixDatagramReceiver r, String prefix) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
      drain(r);
      return received.stream().anyMatch(m -> m.startsWith(prefix));
    });
  }
}
