package io.ferry.agent.cli;

import io.ferry.drivers.modbus.ModbusProbe;
import io.ferry.drivers.modbus.ProbeReport;
import io.ferry.drivers.modbus.codec.Table;
import io.ferry.drivers.modbus.transport.ModbusTransport;
import io.ferry.drivers.modbus.transport.ReadResult;
import io.ferry.drivers.serial.SerialSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code ferry probe modbus}: reads registers once and prints them raw and in every decoding,
 * without any configuration. Exit codes: 0 read, 2 usage, 3 device or connection failure.
 */
@Command(name = "probe", description = "Read a device once without configuration (commissioning, troubleshooting).",
    mixinStandardHelpOptions = true, subcommands = {ProbeCommand.Modbus.class})
public final class ProbeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "modbus", mixinStandardHelpOptions = true,
      description = {"Read Modbus registers once and print them raw and decoded (int16/uint16, int32/uint32/float32 in"
          + " all four word orders, float64, text).",
          "Examples:",
          "  ferry probe modbus --host 192.168.1.10 --unit 1 --register holding:100 --count 4",
          "  ferry probe modbus --serial /dev/ttyUSB0 --baud 9600 --unit 3 --register input:0 --count 2"})
  public static final class Modbus implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", description = "Modbus TCP host (or the serial device server with --rtu-over-tcp)")
    String host;

    @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE})", defaultValue = "502")
    int port;

    @Option(names = "--rtu-over-tcp", description = "RTU framing over TCP (serial device servers, ser2net)")
    boolean rtuOverTcp;

    @Option(names = "--serial", description = "Modbus RTU on this serial port, e.g. /dev/ttyUSB0")
    String serial;

    @Option(names = "--baud", defaultValue = "9600", description = "serial speed (default: ${DEFAULT-VALUE})")
    int baud;

    @Option(names = "--parity", defaultValue = "none", description = "none, even, odd (default: ${DEFAULT-VALUE})")
    String parity;

    @Option(names = "--stop-bits", defaultValue = "1", description = "1 or 2 (default: ${DEFAULT-VALUE})")
    int stopBits;

    @Option(names = "--unit", defaultValue = "1", description = "unit id (default: ${DEFAULT-VALUE})")
    int unit;

    @Option(names = "--register", required = true, description = "table:address, 0-based: holding:100, input:0, coil:3, discrete:7")
    String register;

    @Option(names = "--count", defaultValue = "4", description = "registers or bits to read (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--timeout", defaultValue = "2000", description = "milliseconds (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String[] parts = register.split(":");
      Optional<Table> table = parts.length == 2 ? Table.parse(parts[0]) : Optional.empty();
      int address;
      try {
        address = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : -1;
      } catch (NumberFormatException e) {
        address = -1;
      }
      if (table.isEmpty() || address < 0 || address > 65535) {
        err.println("--register: expected table:address with a 0-based address (holding:100, input:0, coil:3,"
            + " discrete:7), got \"" + register + "\"");
        return Main.EXIT_USAGE;
      }
      int max = table.get().protocolMax();
      if (count < 1 || count > max || address + count > 65536) {
        err.println("--count: must be 1.." + max + " for " + table.get().yamlName() + " and stay within address 65535");
        return Main.EXIT_USAGE;
      }
      if ((host == null) == (serial == null)) {
        err.println("give exactly one of --host (Modbus TCP, or --rtu-over-tcp) and --serial (Modbus RTU)");
        return Main.EXIT_USAGE;
      }
      ModbusTransport transport;
      if (serial != null) {
        SerialSettings.Parity p;
        try {
          p = SerialSettings.Parity.valueOf(parity.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
          err.println("--parity: expected none, even, odd, mark or space, got \"" + parity + "\"");
          return Main.EXIT_USAGE;
        }
        transport = new ModbusTransport.Rtu(new SerialSettings(serial, baud, p, 8, stopBits), Duration.ofMillis(2));
      } else {
        transport = rtuOverTcp ? new ModbusTransport.RtuOverTcp(host, port) : new ModbusTransport.Tcp(host, port);
      }
      out.println(transport.describe() + " unit " + unit + ": reading " + table.get().yamlName() + " " + address + ".."
          + (address + count - 1));
      ReadResult r = ModbusProbe.read(transport, unit, table.get(), address, count, Duration.ofMillis(timeoutMs));
      if (r instanceof ReadResult.Data d) {
        (table.get().isBits() ? ProbeReport.bits(table.get(), address, d.bytes(), count)
            : ProbeReport.registers(table.get(), address, d.bytes(), count)).forEach(out::println);
        out.flush();
        return Main.EXIT_OK;
      }
      if (r instanceof ReadResult.DeviceException e) {
        err.println("the device answered " + ModbusProbe.exceptionName(e.code())
            + (e.code() == 2 ? ": no such register in this range; try a smaller --count or another address (0-based:"
            + " 40001 is holding:0)" : ""));
      } else if (r instanceof ReadResult.Timeout t) {
        err.println("no answer: " + t.detail() + " (check unit id, wiring, baud rate and parity)");
      } else {
        err.println(((ReadResult.LinkDown) r).detail());
      }
      err.flush();
      return Main.EXIT_RUNTIME;
    }
  }
}
