package io.ferry.drivers.serial;

/** Where the instrument is: a local serial port, or a TCP port of a serial device server. */
public sealed interface SerialEndpoint {
  String describe();

  record Port(SerialSettings settings) implements SerialEndpoint {
    @Override
    public String describe() {
      return "serial " + settings.describe();
    }
  }

  record Tcp(String host, int port) implements SerialEndpoint {
    @Override
    public String describe() {
      return "tcp " + host + ":" + port;
    }
  }
}
