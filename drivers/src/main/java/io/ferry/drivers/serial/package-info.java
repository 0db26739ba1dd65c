/**
 * ASCII instruments on a serial port (jSerialComm) or a serial device server (raw TCP):
 * request/response or streaming lines.
 *
 * <p>Invariants: a line becomes values only when it is complete (terminated), free of control
 * bytes, passes its checksum (when one is configured) and a channel's text is a plain decimal
 * number; everything else is dropped and counted (garbage, checksum, malformed, partial,
 * overlong, stale), never parsed by guesswork; the first line after connecting to a streaming
 * instrument is dropped by default; parsing ({@link io.ferry.drivers.serial.LineParser},
 * {@link io.ferry.drivers.serial.LineFramer}) is pure; reconnects back off exponentially.
 */
package io.ferry.drivers.serial;
