package io.ferry.bench;

import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import io.ferry.drivers.modbus.ModbusDriverFactory;
import io.ferry.drivers.modbus.ModbusPlan;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverMetrics;
import io.ferry.drivers.spi.PollingDriver;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/run.sh modbus [scans]: a sparse map of 200 registers (uint16, int32, float32, float64
 * channels with gaps of 0..20 registers, fixed seed) read from the digitalpetri server over
 * loopback TCP, once with the request planner and once with one request per channel
 * ({@code oneRequestPerChannel: true}, the baseline most agents ship). Prints requests per
 * scan, scan latency (median, p99) and process CPU time per 10,000 registers read. The server
 * runs in the same JVM: its CPU is included in both figures alike.
 */
public final class ModbusBench {
  private static final AtomicLong served = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int scans = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }
    short[] regs = new short[65536];
    Random random = new Random(42);
    for (int i = 0; i < regs.length; i++) {
      regs[i] = (short) random.nextInt();
    }
    ModbusTcpServer server = ModbusTcpServer.create(
        NettyTcpServerTransport.create(b -> b.setBindAddress("127.0.0.1").setPort(port)), new ModbusServices() {
          @Override
          public ReadHoldingRegistersResponse readHoldingRegisters(ModbusRequestContext c, int unit, ReadHoldingRegistersRequest r) {
            served.incrementAndGet();
            byte[] b = new byte[r.quantity() * 2];
            for (int i = 0; i < r.quantity(); i++) {
              b[2 * i] = (byte) (regs[r.address() + i] >> 8);
              b[2 * i + 1] = (byte) regs[r.address() + i];
            }
            return new ReadHoldingRegistersResponse(b);
          }
        });
    server.start();
    try {
      String channels = sparseMap(new Random(7));
      System.out.println("map: 200 registers in " + channels.lines().count() + " channels, scans per mode: " + scans);
      Result planned = run("planner", port, channels, "", scans);
      Result single = run("one request per channel", port, channels, ", oneRequestPerChannel: true", scans);
      System.out.printf(Locale.ROOT, "%n%-26s %9s %11s %11s %14s%n", "mode", "req/scan", "median ms", "p99 ms", "CPU ms/10k reg");
      for (Result r : new Result[] {planned, single}) {
        System.out.printf(Locale.ROOT, "%-26s %9d %11.3f %11.3f %14.2f%n", r.name, r.requests, r.medianMs, r.p99Ms, r.cpuMsPer10k);
      }
      System.out.printf(Locale.ROOT, "%nplanner vs one-per-channel: %.1fx fewer requests, %.1fx lower median scan latency,"
              + " %.1fx less CPU per register%n", (double) single.requests / planned.requests, single.medianMs / planned.medianMs,
          single.cpuMsPer10k / planned.cpuMsPer10k);
    } finally {
      server.stop();
    }
    System.exit(0);
  }

  record Result(String name, int requests, double medianMs, double p99Ms, double cpuMsPer10k) {}

  /** 200 registers of channels with random gaps; fixed seed so every run reads the same map. */
  static String sparseMap(Random r) {
    StringBuilder sb = new StringBuilder();
    int address = 0;
    int registers = 0;
    int n = 0;
    String[] types = {"uint16", "int32", "float32", "float64"};
    int[] sizes = {1, 2, 2, 4};
    while (registers < 200) {
      int t = r.nextInt(4);
      if (registers + sizes[t] > 200) {
        t = 0;
      }
      address += r.nextInt(100) < 40 ? 0 : r.nextInt(21);
      sb.append("  - {name: c").append(n++).append(", register: 'holding:").append(address).append("', type: ")
          .append(types[t]).append(", order: CDAB}\n");
      address += sizes[t];
      registers += sizes[t];
    }
    return sb.toString();
  }

  static Result run(String name, int port, String channels, String extra, int scans) throws Exception {
    Path dir = Files.createTempDirectory("ferry-bench-modbus");
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), "gatewayId: bench\n");
    Files.writeString(dir.resolve("instruments.d/bench.yaml"), "id: bench\ndriver: modbus-tcp\npoll: 1s\n"
        + "connection: {host: 127.0.0.1, port: " + port + ", unit: 1, timeout: 2s" + extra + "}\nchannels:\n" + channels);
    ModbusDriverFactory factory = new ModbusDriverFactory();
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of());
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, factory.names(), Set.of()).load(dir);
    InstrumentConfig ic = loaded.instruments().get(0);
    ModbusPlan plan = (ModbusPlan) factory.plan(ic).orElseThrow(() -> new IllegalStateException(problems.toString()));
    ctx.finish();
    if (!problems.isEmpty()) {
      throw new IllegalStateException(problems.toString());
    }
    int registers = plan.channels().stream().mapToInt(c -> c.count()).sum();
    int onWire = plan.requests().stream().mapToInt(r -> r.count()).sum();
    System.out.println(name + ": " + plan.requests().size() + " requests per scan for " + plan.channels().size()
        + " channels (" + registers + " registers used, " + onWire + " registers on the wire incl. gaps read across)");
    try (PollingDriver d = (PollingDriver) factory.open(plan, new DriverContext(InstantSource.system(), dir.resolve("state"),
        DriverMetrics.NOOP))) {
      for (int i = 0; i < Math.max(200, scans / 5); i++) {   // warm-up: JIT, connection
        d.poll();
      }
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long[] nanos = new long[scans];
      long servedBefore = served.get();
      long cpu0 = os.getProcessCpuTime();
      for (int i = 0; i < scans; i++) {
        long t0 = System.nanoTime();
        int got = d.poll().size();
        nanos[i] = System.nanoTime() - t0;
        if (got != plan.channels().size()) {
          throw new IllegalStateException("scan returned " + got + " samples");
        }
      }
      long cpu = os.getProcessCpuTime() - cpu0;
      long requests = served.get() - servedBefore;
      if (requests != (long) scans * plan.requests().size()) {
        throw new IllegalStateException("server saw " + requests + " requests");
      }
      Arrays.sort(nanos);
      double median = nanos[scans / 2] / 1e6;
      double p99 = nanos[(int) (scans * 0.99)] / 1e6;
      double cpuPer10k = cpu / 1e6 / ((double) scans * registers) * 10_000;
      return new Result(name, plan.requests().size(), median, p99, cpuPer10k);
    }
  }
}
