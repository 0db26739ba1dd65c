package io.ferry.drivers.serial;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream into lines at a terminator. A line longer than {@code maxLength} without a
 * terminator (a stuck or noisy line) is dropped up to the next terminator and counted; a
 * trailing carriage return is removed when the terminator is a line feed. Not thread-safe.
 */
public final class LineFramer {
  private final byte[] terminator;
  private final int maxLength;
  private final byte[] current;
  private int size;
  private boolean overflowing;
  private long overlong;

  public LineFramer(String terminator, int maxLength) {
    if (terminator.isEmpty()) {
      throw new IllegalArgumentException("empty terminator");
    }
    this.terminator = terminator.getBytes(StandardCharsets.ISO_8859_1);
    this.maxLength = maxLength;
    this.current = new byte[maxLength + this.terminator.length + 1];
  }

  /** Feeds bytes; returns the lines they completed (without terminator). */
  public List<String> feed(byte[] buf, int off, int len) {
    List<String> lines = new ArrayList<>();
    for (int i = off; i < off + len; i++) {
      current[size++] = buf[i];
      if (endsWithTerminator()) {
        byte[] b = current;
        int n = size - terminator.length;
        if (terminator.length == 1 && terminator[0] == '\n' && n > 0 && b[n - 1] == '\r') {
          n--;
        }
        size = 0;
        if (overflowing) {
          overflowing = false;
        } else {
          lines.add(new String(b, 0, n, StandardCharsets.ISO_8859_1));
        }
      } else if (size == current.length) {
        // keep the last bytes: the terminator may be split across the cut
        System.arraycopy(current, size - (terminator.length - 1), current, 0, terminator.length - 1);
        size = terminator.length - 1;
        if (!overflowing) {
          overflowing = true;
          overlong++;
        }
      }
    }
    return lines;
  }

  /** Drops a partial line (after a reconnect, or before sending a command). Returns the bytes dropped. */
  public int reset() {
    int n = size;
    size = 0;
    overflowing = false;
    return n;
  }

  /** Lines dropped for being longer than the limit. */
  public long overlong() {
    return overlong;
  }

  private boolean endsWithTerminator() {
    if (size < terminator.length) {
      return false;
    }
    for (int i = 0; i < terminator.length; i++) {
      if (current[size - terminator.length + i] != terminator[i]) {
        return false;
      }
    }
    return true;
  }
}
