package io.ferry.drivers.serial;

import com.fazecast.jSerialComm.SerialPort;

/**
 * jSerialComm's native library, loaded on purpose. When it loads (once per process, on the first
 * use of any serial port: a serial or Modbus RTU instrument, often on a poll thread) its
 * {@code JNI_OnLoad} sets SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1 and SIGUSR2 to ignored for the whole
 * process (Fazecast/jSerialComm#612, fix proposed in #632). An agent that reloads on SIGHUP loads it
 * at a moment of its own choosing, then takes SIGHUP back.
 */
public final class SerialLibrary {
  private SerialLibrary() {}

  /** Loads the native library now, if it is not loaded yet; returns its version. */
  public static String load() {
    return SerialPort.getVersion();
  }
}
