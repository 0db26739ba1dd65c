package io.ferry.drivers.opcua;

/**
 * Which time a sample carries. {@code SOURCE}: the source timestamp, else the server timestamp,
 * else the moment the value arrived. {@code SERVER}: the server timestamp, else the arrival time.
 * {@code AGENT}: always the arrival time (for devices with a wrong clock).
 */
public enum TimestampSource {
  SOURCE,
  SERVER,
  AGENT
}
