package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ferry probe modbus} against the digitalpetri server on loopback. */
class ProbeCommandTest {
  ModbusTcpServer server;
  int port;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }
    // holding 100..103 = 0x42F6 0xE979 0x0000 0x0001: float32 123.456 in ABCD at 100
    byte[] regs = {0x42, (byte) 0xF6, (byte) 0xE9, 0x79, 0, 0, 0, 1};
    server = ModbusTcpServer.create(NettyTcpServerTransport.create(b -> b.setBindAddress("127.0.0.1").setPort(port)),
        new ModbusServices() {
          @Override
          public ReadHoldingRegistersResponse readHoldingRegisters(ModbusRequestContext c, int unit, ReadHoldingRegistersRequest r)
              throws com.digitalpetri.modbus.exceptions.ModbusResponseException {
            if (r.address() != 100 || r.quantity() > 4) {
              throw new com.digitalpetri.modbus.exceptions.ModbusResponseException(3, 2);
            }
            byte[] b = new byte[r.quantity() * 2];
            System.arraycopy(regs, 0, b, 0, b.length);
            return new ReadHoldingRegistersResponse(b);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  int run(String... args) {
    CommandLine cl = new CommandLine(new ProbeCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void printsRawRegistersAndEveryDecoding() {
    int code = run("modbus", "--host", "127.0.0.1", "--port", String.valueOf(port), "--unit", "1", "--register", "holding:100",
        "--count", "4");
    assertThat(code).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text).contains("holding:100 0x42F6    17142    17142  0100 0010 1111 0110");
    assertThat(text).contains("holding:101 0xE979    59769    -5767");
    assertThat(text).containsPattern("holding:100 ABCD +1123477881 +1123477881 +123\\.456001");
    assertThat(text).containsPattern("holding:102 ABCD +1 +1 +0\\.000000|holding:102 ABCD +1 +1 +1\\.401298e-45");
    assertThat(text).contains("64-bit values");
    assertThat(text.lines().filter(l -> l.trim().startsWith("holding:10")).count()).isEqualTo(4 + 3 * 4 + 1 * 4);
  }

  /** Modbus RTU on a socat pty pair: the digitalpetri RTU server on one end, the probe on the other. */
  @Test
  void probesAnRtuDeviceOnASerialPort(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    boolean socat = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, "socat")));
    org.junit.jupiter.api.Assumptions.assumeTrue(socat, "socat is not installed: the serial probe test needs it (apt-get install socat)");
    java.nio.file.Path a = dir.resolve("a");
    java.nio.file.Path b = dir.resolve("b");
    Process p = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> java.nio.file.Files.exists(a) && java.nio.file.Files.exists(b));
      String serverEnd = realPath(a);
      var rtu = com.digitalpetri.modbus.server.ModbusRtuServer.create(
          com.digitalpetri.modbus.serial.server.SerialPortServerTransport.create(
              cfg -> cfg.setSerialPort(serverEnd).setBaudRate(19200)),
          new ModbusServices() {
            @Override
            public ReadHoldingRegistersResponse readHoldingRegisters(ModbusRequestContext c, int unit, ReadHoldingRegistersRequest r) {
              return new ReadHoldingRegistersResponse(new byte[] {0x12, 0x34, 0x56, 0x78});
            }
          });
      rtu.start();
      try {
        int code = run("modbus", "--serial", realPath(b), "--baud", "19200", "--unit", "5", "--register", "holding:0",
            "--count", "2");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("modbus-rtu " + realPath(b) + " 19200 8N1 unit 5")
            .containsPattern("holding:0 +CDAB +1450709556 +1450709556");
      } finally {
        rtu.stop();
      }
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  private static String realPath(java.nio.file.Path p) throws java.io.IOException {
    return p.toRealPath().toString();
  }

  @Test
  void exceptionAndUsageErrorsHaveTheirExitCodes() {
    assertThat(run("modbus", "--host", "127.0.0.1", "--port", String.valueOf(port), "--register", "holding:5")).isEqualTo(3);
    assertThat(err.toString()).contains("exception 2 (illegal data address)");
    assertThat(run("modbus", "--host", "127.0.0.1", "--register", "40001")).isEqualTo(2);
    assertThat(run("modbus", "--register", "holding:1")).isEqualTo(2);
    assertThat(run("modbus", "--host", "127.0.0.1", "--register", "holding:1", "--count", "126")).isEqualTo(2);
  }
}
