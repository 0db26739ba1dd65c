package io.ferry.bench;

import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import io.ferry.testsupport.mqtt.Broker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * {@code bench/run.sh footprint [SECONDS] [WARMUP] [REPEATS] [SCENARIOS]}: what Ferry costs as a
 * running process. Starts the agent as a child JVM ({@code java OPTS -jar ferry.jar run}) on each
 * scenario, once as built now (this checkout's jar with the JVM options of
 * {@code systemd/ferry.default}) and once as the baseline (a jar built from an older commit in a
 * temporary clone, with that commit's {@code systemd/ferry.default}), alternating, and reads from
 * {@code /proc/PID}: CPU seconds per minute over SECONDS after WARMUP (utime+stime, all threads,
 * GC and JIT included), peak RSS (VmHWM), threads and how many of them used no CPU in the window
 * (threads that only wait), and the time from process start to the first sample read (the Modbus
 * server's first request) and delivered (the first line of the jsonl uplink).
 *
 * <p>Scenarios: {@code peers} (50 float32 in 100 holding registers polled every 1 s from the
 * digitalpetri server in this JVM, jsonl uplink: the workload of issue 15's peer table),
 * {@code sim} (50 simulated instruments x 100 channels at 1 Hz), {@code mixed} (peers + 10 x 20
 * simulated + OPC UA poll of 100 nodes from the Milo test server in its own JVM + MQTT in from
 * HiveMQ CE embedded here + jsonl, GroveStreams and Atomscale uplinks to a local HTTP server).
 * Every server runs outside the measured process.
 */
public final class FootprintBench {
  private static final int CLK_TCK = Integer.getInteger("footprint.clkTck", 100);
  private static final AtomicLong modbusRequests = new AtomicLong();
  private static volatile long firstModbusNanos;

  private FootprintBench() {}

  /** A jar started by a launcher script (systemd/ferry.sh of its commit) with JAVA_OPTS and MALLOC_ARENA_MAX. */
  record Variant(String name, Path jar, Path launcher, String jvm, String arenas, Path cds) {}

  record Figures(String scenario, String variant, double cpuPerMin, long hwmKb, int threads, int idleThreads,
      double firstReadS, double firstDeliveredS, double cpuToFirstS, long lines, String topThreads) {}

  public static void main(String[] args) throws Exception {
    // A bench stopped early (Ctrl-C, kill) must not leave its agent polling on as an orphan.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    List<String> scenarios = Arrays.asList((args.length > 3 ? args[3] : "peers,sim,mixed").split(","));
    List<Variant> variants = new ArrayList<>();
    Path cdsDir = Files.createTempDirectory("ferry-footprint-cds");
    variants.add(variant("now", cdsDir));
    if (!System.getProperty("footprint.baselineJar", "").isEmpty()) {
      variants.add(variant("baseline", cdsDir));
    }
    for (Variant v : variants) {
      System.out.println("# " + v.name() + ": " + v.jar() + " started by " + v.launcher() + " with JAVA_OPTS=" + v.jvm()
          + (v.arenas().isEmpty() ? "" : " MALLOC_ARENA_MAX=" + v.arenas()));
    }
    System.out.printf(Locale.ROOT, "# window %d s after %d s warm-up, %d repeat(s), CPU ticks of 1/%d s%n", seconds, warmup, repeats, CLK_TCK);
    Servers servers = new Servers(scenarios.contains("mixed"));
    List<Figures> all = new ArrayList<>();
    try {
      for (Variant v : variants) {
        train(v, servers);
      }
      for (String scenario : scenarios) {
        for (int r = 0; r < repeats; r++) {
          // Alternate the order so that a neighbour's load hits both variants alike.
          List<Variant> order = new ArrayList<>(variants);
          if (r % 2 == 1) {
            java.util.Collections.reverse(order);
          }
          for (Variant v : order) {
            Figures f = run(scenario, v, servers, seconds, warmup);
            print(f);
            all.add(f);
          }
        }
      }
    } finally {
      servers.close();
      deleteTree(cdsDir);
    }
    System.out.println();
    System.out.println("| scenario | variant | CPU s/min | peak RSS MiB | threads (used no CPU) | first read s | first delivered s | CPU s to first delivered |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String scenario : scenarios) {
      for (Variant v : variants) {
        List<Figures> fs = all.stream().filter(f -> f.scenario().equals(scenario) && f.variant().equals(v.name())).toList();
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", scenario, v.name(),
            range(fs.stream().mapToDouble(Figures::cpuPerMin).toArray(), "%.2f"),
            range(fs.stream().mapToDouble(f -> f.hwmKb() / 1024.0).toArray(), "%.0f"),
            fs.isEmpty() ? "" : fs.get(fs.size() - 1).threads() + " (" + fs.get(fs.size() - 1).idleThreads() + ")",
            range(fs.stream().mapToDouble(Figures::firstReadS).filter(d -> d >= 0).toArray(), "%.2f"),
            range(fs.stream().mapToDouble(Figures::firstDeliveredS).toArray(), "%.2f"),
            range(fs.stream().mapToDouble(Figures::cpuToFirstS).toArray(), "%.2f"));
      }
    }
    System.exit(0);
  }

  /** The median, with min..max when repeated. */
  private static String range(double[] xs, String fmt) {
    if (xs.length == 0) {
      return "n/a";
    }
    double[] s = xs.clone();
    Arrays.sort(s);
    String median = String.format(Locale.ROOT, fmt, s[s.length / 2]);
    return s.length == 1 ? median
        : median + " (" + String.format(Locale.ROOT, fmt, s[0]) + "–" + String.format(Locale.ROOT, fmt, s[s.length - 1]) + ")";
  }

  private static void print(Figures f) {
    System.out.printf(Locale.ROOT, "%-6s %-9s cpu %5.2f s/min  peak rss %4.0f MiB  threads %3d (%3d used no CPU)  first read %5.2f s"
            + "  first delivered %5.2f s (after %.2f CPU s)  lines %,d  busiest: %s%n", f.scenario(), f.variant(), f.cpuPerMin(),
        f.hwmKb() / 1024.0, f.threads(), f.idleThreads(), f.firstReadS(), f.firstDeliveredS(), f.cpuToFirstS(), f.lines(),
        f.topThreads());
  }

  private static Variant variant(String name, Path cdsDir) {
    String p = "footprint." + name + ".";
    return new Variant(name, Path.of(System.getProperty(p + "jar")), Path.of(System.getProperty(p + "launcher")),
        System.getProperty(p + "jvm", "").trim(), System.getProperty(p + "arenas", "").trim(), cdsDir.resolve(name + ".jsa"));
  }

  /**
   * A launcher with class data sharing writes its archive when the service first stops: one short
   * unmeasured run, as on a gateway after install, so that the measured starts map it.
   */
  private static void train(Variant v, Servers servers) throws Exception {
    Path dir = Files.createTempDirectory("ferry-footprint-train");
    writeConfig("peers", dir, servers);
    Process p = start(v, dir, "run");
    Path out = dir.resolve("state/uploaded.jsonl");
    long until = System.nanoTime() + 120_000_000_000L;
    while (p.isAlive() && System.nanoTime() < until && !(Files.exists(out) && Files.size(out) > 0)) {
      Thread.sleep(100);
    }
    Thread.sleep(5_000); // a few polls and deliveries more: their classes belong in the archive too
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    System.out.println("# " + v.name() + ": training start done" + (Files.exists(v.cds()) ? ", class data sharing archive "
        + Files.size(v.cds()) / 1024 / 1024 + " MiB" : " (no class data sharing archive: the launcher does not make one)"));
    deleteTree(dir);
  }

  private static Process start(Variant v, Path dir, String command) throws IOException {
    List<String> cmd = List.of("sh", v.launcher().toString(), command, "--config", dir.toString(), "--status-every", "1h");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("ferry.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("FERRY_JAR", v.jar().toAbsolutePath().toString());
    env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("JAVA_OPTS", v.jvm());
    env.put("FERRY_CDS_ARCHIVE", v.cds().toString());
    env.put("BENCH_KEY", "footprint-bench-key");
    if (v.arenas().isEmpty()) {
      env.remove("MALLOC_ARENA_MAX");
    } else {
      env.put("MALLOC_ARENA_MAX", v.arenas());
    }
    return pb.start();
  }

  // ------------------------------------------------------------------ one run

  static Figures run(String scenario, Variant v, Servers servers, int seconds, int warmup) throws Exception {
    Path dir = Files.createTempDirectory("ferry-footprint-" + scenario);
    Path out = dir.resolve("state/uploaded.jsonl");
    writeConfig(scenario, dir, servers);
    firstModbusNanos = 0;
    long t0 = System.nanoTime();
    Process p = start(v, dir, "run"); // sh execs java: the same pid
    long pid = p.pid();
    boolean ok = false;
    try {
      long firstDelivered = -1;
      long firstCpu = -1;
      // The window opens WARMUP after the start, but never before 15 s after the first delivery: on a
      // loaded machine a cold start can take longer than the warm-up (up to 5 minutes are waited).
      long warmEnd = t0 + warmup * 1_000_000_000L;
      long giveUp = t0 + 300_000_000_000L;
      while (System.nanoTime() < (firstDelivered < 0 ? giveUp : Math.max(warmEnd, firstDelivered + 15_000_000_000L))) {
        if (firstDelivered < 0 && Files.exists(out) && Files.size(out) > 0) {
          firstDelivered = System.nanoTime();
          firstCpu = cpuTicks("/proc/" + pid + "/stat");
        }
        if (!p.isAlive()) {
          throw new IllegalStateException("ferry exited with " + p.exitValue() + "; see " + dir.resolve("ferry.log"));
        }
        Thread.sleep(firstDelivered < 0 ? 5 : 200);
      }
      if (firstDelivered < 0) {
        throw new IllegalStateException(v.name() + ": nothing delivered within the warm-up; see " + dir.resolve("ferry.log"));
      }
      long cpu0 = cpuTicks("/proc/" + pid + "/stat");
      Map<String, Long> tasks0 = threadTicks(pid);
      Thread.sleep(seconds * 1000L);
      long cpu1 = cpuTicks("/proc/" + pid + "/stat");
      Map<String, Long> tasks1 = threadTicks(pid);
      long hwm = status(pid, "VmHWM:");
      int threads = (int) status(pid, "Threads:");
      int idle = 0;
      Map<String, Long> byName = new HashMap<>();
      for (Map.Entry<String, Long> e : tasks1.entrySet()) {
        long used = e.getValue() - tasks0.getOrDefault(e.getKey(), 0L);
        if (used == 0) {
          idle++;
        }
        String name = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[-#]?[0-9]+$", "*");
        byName.merge(name, used, Long::sum);
      }
      String top = byName.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(Integer.getInteger("footprint.top", 4))
          .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f", e.getValue() / (double) CLK_TCK / seconds * 60))
          .reduce((a, b) -> a + ", " + b).orElse("");
      long lines;
      try (var s = Files.lines(out)) {
        lines = s.count();
      }
      double cpuPerMin = (cpu1 - cpu0) / (double) CLK_TCK / seconds * 60;
      double firstRead = firstModbusNanos == 0 || !scenario.equals("peers") && !scenario.equals("mixed") ? -1 : (firstModbusNanos - t0) / 1e9;
      ok = true;
      return new Figures(scenario, v.name(), cpuPerMin, hwm, threads, idle, firstRead, (firstDelivered - t0) / 1e9,
          firstCpu / (double) CLK_TCK, lines, top);
    } finally {
      p.destroy(); // SIGTERM: the agent stops cleanly
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      if (ok) {
        deleteTree(dir);
      }
    }
  }

  /** utime + stime of a /proc stat line (fields 14 and 15; the name in parentheses may hold spaces). */
  private static long cpuTicks(String statFile) throws IOException {
    String s = Files.readString(Path.of(statFile));
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** "TID name" -> CPU ticks of every thread of the process. */
  private static Map<String, Long> threadTicks(long pid) throws IOException {
    Map<String, Long> m = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String name = Files.readString(t.resolve("comm")).trim();
          m.put(t.getFileName() + " " + name, cpuTicks(t.resolve("stat").toString()));
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return m;
  }

  private static long status(long pid, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------ configurations

  private static void writeConfig(String scenario, Path dir, Servers servers) throws IOException {
    Path inst = Files.createDirectories(dir.resolve("instruments.d"));
    StringBuilder agent = new StringBuilder("gatewayId: footprint\nstateDir: " + dir.resolve("state") + "\n"
        + "uplinks:\n  local: {type: jsonl, path: uploaded.jsonl}\n");
    switch (scenario) {
      case "peers" -> Files.writeString(inst.resolve("plc.yaml"), modbus(servers.modbusPort, "[local]"));
      case "sim" -> {
        for (int i = 0; i < 50; i++) {
          Files.writeString(inst.resolve("sim" + i + ".yaml"), simulated("sim" + i, 100, "[local]"));
        }
      }
      case "mixed" -> {
        agent.append("  gs: {type: grovestreams, url: 'http://127.0.0.1:").append(servers.http.port())
            .append("', apiKey: '${env:BENCH_KEY}', minInterval: 10s}\n");
        agent.append("  as: {type: atomscale, url: 'http://127.0.0.1:").append(servers.http.port())
            .append("', apiKey: '${env:BENCH_KEY}', pointsPerChunk: 60}\n");
        Files.writeString(inst.resolve("plc.yaml"), modbus(servers.modbusPort, "[local, gs]"));
        for (int i = 0; i < 10; i++) {
          Files.writeString(inst.resolve("sim" + i + ".yaml"), simulated("sim" + i, 20, i < 2 ? "[local, gs, as]" : "[local, gs]"));
        }
        StringBuilder ua = new StringBuilder("id: press\ndriver: opcua\nmode: poll\npoll: 1s\nuplinks: [local, gs]\n"
            + "connection:\n  endpoint: " + servers.opcuaEndpoint + "\nchannels:\n");
        for (int i = 0; i < 100; i++) {
          ua.append("  - {name: n").append(i).append(", node: \"ns=2;s=Plant/Many/").append(i).append("\"}\n");
        }
        Files.writeString(inst.resolve("press.yaml"), ua);
        Files.writeString(inst.resolve("thermo.yaml"), "id: thermo\ndriver: serial\npoll: 2s\nuplinks: [local, gs]\n"
            + "connection: {host: 127.0.0.1, port: " + servers.serialServer.getLocalPort() + ", timeout: 1s}\n"
            + "mode: poll\ncommand: \"MEAS:ALL?\"\nlineEnding: \"\\r\\n\"\nterminator: \"\\n\"\ndelimiter: \",\"\n"
            + "channels:\n  - {name: temperature, field: 0, unit: degC}\n  - {name: pressure, field: 1, unit: hPa}\n"
            + "  - {name: status, field: 2, type: text}\n");
        Files.writeString(inst.resolve("line.yaml"), "id: line\ndriver: mqtt\nuplinks: [local, gs]\n"
            + "connection: {url: 'tcp://127.0.0.1:" + servers.mqttPort + "', clientId: ferry-footprint}\n"
            + "subscriptions:\n  - {topic: plant/+/env, payload: json, values: [{path: temp, channel: '{2}_temp'},"
            + " {path: power, channel: '{2}_power'}]}\n"
            + "channels:\n  - {name: line1_temp, unit: degC}\n  - {name: line1_power, unit: W}\n");
      }
      default -> throw new IllegalArgumentException("unknown scenario " + scenario + " (peers, sim, mixed)");
    }
    Files.writeString(dir.resolve("agent.yaml"), agent);
  }

  /** 50 float32 channels in holding registers 0..99, polled every second. */
  private static String modbus(int port, String uplinks) {
    StringBuilder sb = new StringBuilder("id: plc\ndriver: modbus-tcp\npoll: 1s\nuplinks: " + uplinks + "\n"
        + "connection: {host: 127.0.0.1, port: " + port + ", unit: 1, timeout: 2s}\nchannels:\n");
    for (int i = 0; i < 50; i++) {
      sb.append("  - {name: v").append(i).append(", register: 'holding:").append(2 * i).append("', type: float32}\n");
    }
    return sb.toString();
  }

  private static String simulated(String id, int channels, String uplinks) {
    StringBuilder sb = new StringBuilder("id: " + id + "\ndriver: simulated\npoll: 1s\nuplinks: " + uplinks + "\nchannels:\n");
    for (int c = 0; c < channels; c++) {
      sb.append("  - {name: c").append(c).append(", wave: sine, amplitude: 10, period: 10m, offset: ").append(c).append("}\n");
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ the servers (outside the measured process)

  static final class Servers implements AutoCloseable {
    final int modbusPort;
    private final ModbusTcpServer modbus;
    UplinkBench.Counting http;
    Process opcua;
    String opcuaEndpoint;
    Broker hive;
    int mqttPort;
    MqttClient publisher;
    ScheduledExecutorService publishing;
    ServerSocket serialServer;

    Servers(boolean mixed) throws Exception {
      modbusPort = freePort();
      modbus = ModbusTcpServer.create(
          NettyTcpServerTransport.create(b -> b.setBindAddress("127.0.0.1").setPort(modbusPort)), new ModbusServices() {
            @Override
            public ReadHoldingRegistersResponse readHoldingRegisters(ModbusRequestContext c, int unit, ReadHoldingRegistersRequest r) {
              if (modbusRequests.incrementAndGet() > 0 && firstModbusNanos == 0) {
                firstModbusNanos = System.nanoTime();
              }
              ByteBuffer b = ByteBuffer.allocate(r.quantity() * 2);
              for (int i = 0; i < r.quantity() / 2; i++) {
                b.putFloat(20f + (r.address() + 2 * i) + (System.currentTimeMillis() / 1000 % 60) / 10f);
              }
              return new ReadHoldingRegistersResponse(b.array());
            }
          });
      modbus.start();
      if (!mixed) {
        return;
      }
      http = new UplinkBench.Counting();
      opcua = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
          System.getProperty("java.class.path"), OpcuaBench.SERVER_MAIN, "100", "500")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(opcua.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("READY ")) {
          opcuaEndpoint = line.substring(6).trim();
          break;
        }
      }
      if (opcuaEndpoint == null) {
        throw new IllegalStateException("the OPC UA server JVM exited before it was ready");
      }
      startBroker();
      startSerialDeviceServer();
    }

    /**
     * A SCPI-like instrument behind a serial device server (TCP, as in examples/instruments/
     * serial-scpi.yaml): answers each {@code MEAS:ALL?} line with one reading line. There is no
     * serial port on this machine; the serial driver's framing and parsing run all the same.
     */
    private void startSerialDeviceServer() throws IOException {
      serialServer = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!serialServer.isClosed()) {
          try (java.net.Socket c = serialServer.accept();
              BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII))) {
            var out = c.getOutputStream();
            long n = 0;
            for (String line; (line = in.readLine()) != null; ) {
              if (line.trim().equals("MEAS:ALL?")) {
                n++;
                out.write(String.format(Locale.ROOT, "%+.3E,%+.3E,OK\r\n", 20 + n % 50 / 10.0, 1013.0 + n % 7)
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
              }
            }
          } catch (IOException e) {
            // the agent hung up (a run ended) or the bench is closing: wait for the next connection
          }
        }
      }, "serial-device-server");
      t.setDaemon(true);
      t.start();
    }

    Path hiveHome;

    private void startBroker() throws Exception {
      Path home = Files.createTempDirectory("ferry-footprint-hivemq");
      hiveHome = home;
      mqttPort = freePort();
      hive = Broker.plain(home, mqttPort);
      hive.start();
      publisher = new MqttClient("tcp://127.0.0.1:" + mqttPort, "footprint-publisher", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setAutomaticReconnect(true);
      publisher.connect(o);
      publishing = Executors.newSingleThreadScheduledExecutor();
      long[] n = {0};
      // Ten messages a second with two values each: a modest line-sensor feed.
      publishing.scheduleAtFixedRate(() -> {
        try {
          n[0]++;
          publisher.publish("plant/line1/env", ("{\"temp\": " + (20 + n[0] % 50 / 10.0) + ", \"power\": " + (1000 + n[0] % 17) + "}")
              .getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (Exception e) {
          // the broker is stopping, or the client reconnects: the next tick tries again
        }
      }, 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
      modbus.stop();
      if (serialServer != null) {
        serialServer.close();
      }
      if (publishing != null) {
        publishing.shutdownNow();
        publisher.disconnectForcibly(1000);
        publisher.close();
      }
      if (hive != null) {
        hive.stop();
        deleteTree(hiveHome);
      }
      if (opcua != null) {
        opcua.getOutputStream().close();
        if (!opcua.waitFor(20, TimeUnit.SECONDS)) {
          opcua.destroyForcibly();
        }
      }
      if (http != null) {
        http.stop();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
