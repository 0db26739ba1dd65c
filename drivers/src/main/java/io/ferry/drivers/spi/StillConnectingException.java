package io.ferry.drivers.spi;

/**
 * Thrown by {@link PollingDriver#poll()} when the driver is still establishing its connection on a
 * thread of its own (a secure handshake can take longer than a poll timeout). The tick is neither
 * a failure nor a timeout: the scheduler counts it as skipped while connecting. A driver whose
 * connection attempt failed and is waiting out a backoff throws its connection error instead.
 */
public final class StillConnectingException extends Exception {
  public StillConnectingException(String message) {
    super(message, null, false, false); // an expected state, not an error: no stack trace
  }
}
