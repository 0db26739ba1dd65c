package io.ferry.drivers.spi;

/**
 * Thrown by {@link PollingDriver#poll()} when the driver did not ask the device this tick because
 * it waits out a backoff after a failure (a unit that did not answer, a port that is gone). The
 * message is that failure in the operator's words ("no answer within 1000ms", "serial port
 * /dev/ttyUSB0 is gone"), so the instrument's status keeps saying why it is down. The scheduler
 * counts the tick as skipped, never as a successful poll: a driver must not return an empty list
 * for a poll it did not make.
 */
public final class BackingOffException extends Exception {
  public BackingOffException(String cause) {
    super(cause, null, false, false); // an expected state, not an error: no stack trace
  }
}
