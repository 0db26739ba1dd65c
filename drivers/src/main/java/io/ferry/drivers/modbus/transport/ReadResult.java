package io.ferry.drivers.modbus.transport;

/** What one read on the bus came to. */
public sealed interface ReadResult {
  /** The device answered: register bytes (two per register) or packed bits. */
  record Data(byte[] bytes) implements ReadResult {}

  /** The device answered with a Modbus exception (2 = illegal data address, 6 = busy...). */
  record DeviceException(int code) implements ReadResult {}

  /** No valid answer within the timeout (a dead unit, or bytes that did not form a frame). */
  record Timeout(String detail) implements ReadResult {}

  /** The connection or port is down or could not be opened; the bus reconnects with backoff. */
  record LinkDown(String detail) implements ReadResult {}

  /** Text for logs: names the exception as the specification does. */
  static String exceptionName(int code) {
    return switch (code) {
      case 1 -> "exception 1 (illegal function)";
      case 2 -> "exception 2 (illegal data address)";
      case 3 -> "exception 3 (illegal data value)";
      case 4 -> "exception 4 (server device failure)";
      case 5 -> "exception 5 (acknowledge)";
      case 6 -> "exception 6 (server device busy)";
      case 10 -> "exception 10 (gateway path unavailable)";
      case 11 -> "exception 11 (gateway target failed to respond)";
      default -> "exception " + code;
    };
  }
}
