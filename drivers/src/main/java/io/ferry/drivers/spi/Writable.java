package io.ferry.drivers.spi;

/**
 * A driver that can write to its instrument. The write runs on the instrument's own connection
 * and thread, between polls, never at the same time as a read on the same line, and gives up
 * after the instrument's timeout. Only channels whose plan lists a {@link WriteTarget} are ever
 * asked; the caller has already checked range, type and rate.
 */
public interface Writable {
  /** Sends one write and waits for its outcome; never throws for what the device or the link did. */
  WriteOutcome write(WriteRequest request) throws InterruptedException;
}
