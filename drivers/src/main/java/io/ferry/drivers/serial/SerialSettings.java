package io.ferry.drivers.serial;

import com.fazecast.jSerialComm.SerialPort;
import io.ferry.config.Fields;
import java.util.Optional;

/**
 * Line settings of a serial port, shared by the serial ASCII and the Modbus RTU drivers.
 *
 * @param device the port, for example {@code /dev/ttyUSB0} (a symlink such as
 *     {@code /dev/serial/by-id/...} is resolved when the port is opened)
 * @param stopBits 1, 1.5 or 2, as written
 */
public record SerialSettings(String device, int baud, Parity parity, int dataBits, double stopBits) {
  /** The rates serial devices and adapters actually use; anything else is most likely a typo (9660, 11520). */
  static final java.util.List<Integer> STANDARD_BAUDS = java.util.List.of(
      300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 28800, 38400, 57600, 76800, 115200, 230400, 250000, 460800, 500000,
      921600, 1000000, 1500000, 2000000, 3000000);

  public enum Parity {
    NONE(SerialPort.NO_PARITY),
    EVEN(SerialPort.EVEN_PARITY),
    ODD(SerialPort.ODD_PARITY),
    MARK(SerialPort.MARK_PARITY),
    SPACE(SerialPort.SPACE_PARITY);

    private final int jSerialComm;

    Parity(int jSerialComm) {
      this.jSerialComm = jSerialComm;
    }

    public int jSerialComm() {
      return jSerialComm;
    }
  }

  /** jSerialComm's constant for the stop bits. */
  public int jSerialCommStopBits() {
    return stopBits == 1 ? SerialPort.ONE_STOP_BIT : stopBits == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_POINT_FIVE_STOP_BITS;
  }

  /** Bits on the wire per character (start + data + parity + stop), for inter-frame timing. */
  public double bitsPerCharacter() {
    return 1 + dataBits + (parity == Parity.NONE ? 0 : 1) + stopBits;
  }

  /** {@code /dev/ttyUSB0 9600 8N1} */
  public String describe() {
    String sb = stopBits == 1.5 ? "1.5" : Integer.toString((int) stopBits);
    return device + " " + baud + " " + dataBits + parity.name().charAt(0) + sb;
  }

  /**
   * Reads {@code port}, {@code baud}, {@code parity}, {@code dataBits}, {@code stopBits} from a
   * connection section. Empty when {@code port} is missing or invalid (the problem is reported).
   */
  public static Optional<SerialSettings> read(Fields f, int defaultBaud) {
    Optional<String> device = f.requiredString("port");
    if (device.isPresent() && !device.get().startsWith("/") && !device.get().matches("(?i)COM\\d+")) {
      f.error("port", "expected a serial device path such as /dev/ttyUSB0, got \"" + device.get()
          + "\" (for a serial device server over TCP, set host and a port number)");
      device = Optional.empty();
    }
    int baud = f.integer("baud", defaultBaud, 50, 4_000_000);
    if (f.node("baud").isPresent() && !STANDARD_BAUDS.contains(baud)) {
      f.warn("baud", baud + " is not a standard baud rate (" + STANDARD_BAUDS.stream().map(String::valueOf)
          .collect(java.util.stream.Collectors.joining(", ")) + "); check the device's setting");
    }
    Parity parity = f.enumValue("parity", Parity.class, Parity.NONE);
    int dataBits = f.integer("dataBits", 8, 5, 8);
    double stopBits = 1;
    if (f.node("stopBits").isPresent()) {
      double s = f.number("stopBits", 1);
      if (s != 1 && s != 1.5 && s != 2) {
        f.error("stopBits", "must be 1, 1.5 or 2, got " + s);
      } else {
        stopBits = s;
      }
    }
    double sb = stopBits;
    return device.map(d -> new SerialSettings(d, baud, parity, dataBits, sb));
  }
}
