package io.ferry.drivers.serial;

import java.util.Locale;
import java.util.Optional;

/**
 * Optional per-line checksum: the line is {@code payload SEPARATOR HH}, HH two hex digits.
 * {@code xor} is the NMEA 0183 rule (XOR of the payload bytes, a leading {@code $} or {@code !}
 * excluded); {@code sum8} is the sum of the payload bytes modulo 256.
 */
public enum Checksum {
  NONE,
  XOR,
  SUM8;

  /** The payload without its checksum when the checksum is right; empty otherwise. */
  public Optional<String> verify(String line, String separator) {
    if (this == NONE) {
      return Optional.of(line);
    }
    int at = line.lastIndexOf(separator);
    if (at < 0 || line.length() - at - separator.length() != 2) {
      return Optional.empty();
    }
    String payload = line.substring(0, at);
    String given = line.substring(at + separator.length()).toUpperCase(Locale.ROOT);
    return given.equals(compute(payload)) ? Optional.of(payload) : Optional.empty();
  }

  /** Two upper-case hex digits. */
  public String compute(String payload) {
    int v = 0;
    int start = this == XOR && !payload.isEmpty() && (payload.charAt(0) == '$' || payload.charAt(0) == '!') ? 1 : 0;
    for (int i = start; i < payload.length(); i++) {
      int c = payload.charAt(i) & 0xFF;
      v = this == XOR ? v ^ c : (v + c) & 0xFF;
    }
    return String.format(Locale.ROOT, "%02X", v);
  }
}
