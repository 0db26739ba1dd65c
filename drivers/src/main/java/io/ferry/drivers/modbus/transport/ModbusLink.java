package io.ferry.drivers.modbus.transport;

import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.WriteFrame;
import java.time.Duration;

/** One connection to a bus. Called from the bus thread only. */
public interface ModbusLink {
  boolean isConnected();

  /** Opens the connection or port; throws with a readable message when it cannot. */
  void connect() throws Exception;

  /** One read; never throws. */
  ReadResult read(int unit, ReadRequest request, Duration timeout);

  /** One write request (function 5, 6, 15 or 16); never throws. */
  WriteResult write(int unit, WriteFrame frame, Duration timeout);

  /** Closes; never throws. */
  void disconnect();
}
