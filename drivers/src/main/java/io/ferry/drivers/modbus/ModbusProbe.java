package io.ferry.drivers.modbus;

import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.Table;
import io.ferry.drivers.modbus.transport.DigitalPetriLink;
import io.ferry.drivers.modbus.transport.ModbusTransport;
import io.ferry.drivers.modbus.transport.ReadResult;
import java.time.Duration;

/** One read without an instrument file, for {@code ferry probe modbus}: connect, read, disconnect. */
public final class ModbusProbe {
  private ModbusProbe() {}

  /** Reads {@code count} items; never throws for device or network trouble (it is in the result). */
  public static ReadResult read(ModbusTransport transport, int unit, Table table, int start, int count, Duration timeout) {
    DigitalPetriLink link = new DigitalPetriLink(transport, timeout);
    try {
      link.connect();
    } catch (Exception e) {
      return new ReadResult.LinkDown(e.getMessage());
    }
    try {
      return link.read(unit, new ReadRequest(table, start, count, java.util.List.of()), timeout);
    } finally {
      link.disconnect();
    }
  }

  /** The text of an exception code as the specification names it. */
  public static String exceptionName(int code) {
    return ReadResult.exceptionName(code);
  }
}
