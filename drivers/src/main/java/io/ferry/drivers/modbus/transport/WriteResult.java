package io.ferry.drivers.modbus.transport;

/** What one write request on the bus came to. */
public sealed interface WriteResult {
  /** The device echoed the request: it took the value. */
  record Acked() implements WriteResult {}

  /** The device answered with a Modbus exception (2 = illegal data address, 3 = illegal data value...). */
  record DeviceException(int code) implements WriteResult {}

  /** The request left but no valid answer came within the timeout: the device may or may not have applied it. */
  record Timeout(String detail) implements WriteResult {}

  /** The request never left: the connection or port is down or could not be opened. */
  record LinkDown(String detail) implements WriteResult {}

  /** The connection broke after the request left, before an answer: as uncertain as a timeout. */
  record Lost(String detail) implements WriteResult {}
}
