package io.ferry.drivers.modbus.transport;

import io.ferry.drivers.serial.SerialSettings;
import java.time.Duration;

/** Where a Modbus bus is reached. Instruments with the same {@link #busKey()} share one bus (one connection, one thread). */
public sealed interface ModbusTransport {
  /** Identifies the physical bus or connection. */
  String busKey();

  String describe();

  /** Modbus TCP (MBAP framing). */
  record Tcp(String host, int port) implements ModbusTransport {
    @Override
    public String busKey() {
      return "tcp://" + host + ":" + port;
    }

    @Override
    public String describe() {
      return "modbus-tcp " + host + ":" + port;
    }
  }

  /** RTU framing on a local serial port; {@code interFrameDelay} is the silence kept between frames. */
  record Rtu(SerialSettings serial, Duration interFrameDelay) implements ModbusTransport {
    @Override
    public String busKey() {
      return "rtu:" + serial.device();
    }

    @Override
    public String describe() {
      return "modbus-rtu " + serial.describe();
    }
  }

  /** RTU frames carried over a TCP connection (serial device servers, ser2net). */
  record RtuOverTcp(String host, int port) implements ModbusTransport {
    @Override
    public String busKey() {
      return "rtu-over-tcp://" + host + ":" + port;
    }

    @Override
    public String describe() {
      return "modbus-rtu-over-tcp " + host + ":" + port;
    }
  }
}
