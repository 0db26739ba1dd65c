package io.ferry.uplink;

import io.ferry.buffer.Lease;

/**
 * The API-specific part of an uplink: turns one lease into calls and says how it ended. It never
 * completes the lease itself (the engine does, from the returned {@link Delivery}), and reports
 * every failure as a {@link Delivery} rather than an exception.
 */
public interface BatchHandler extends AutoCloseable {
  Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException;

  /**
   * Short facts for the status line that are not errors (TempoDB: increments whose outcome is
   * unknown). Called from other threads.
   */
  default java.util.List<String> notes() {
    return java.util.List.of();
  }

  /** Releases files or connections. */
  @Override
  default void close() {}
}
