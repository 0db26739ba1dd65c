package io.ferry.drivers.spi;

/**
 * A running instrument connection. Either polled by the scheduler ({@link PollingDriver}) or
 * pushing samples by itself ({@link StreamingDriver}). A driver reconnects on its own: the
 * agent never needs a restart after a device, server or network comes back.
 */
public sealed interface Driver extends AutoCloseable permits PollingDriver, StreamingDriver {
  /** Releases connections and threads. Idempotent; never throws. */
  @Override
  void close();
}
