package io.ferry.uplink;

import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import java.time.Duration;

/**
 * The API-specific part of an uplink: turns one lease into calls and says how it ended. It never
 * completes the lease itself (the engine does, from the returned {@link Delivery}), and reports
 * every failure as a {@link Delivery} rather than an exception.
 */
public interface BatchHandler extends AutoCloseable {
  Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException;

  /**
   * The shape of the next lease: the request shape drives the lease shape. By default
   * {@code batch} records in append order; an API that limits streams rather than records (one
   * PUT of up to 2,000 streams with many samples each) asks for a lease by channel.
   */
  default LeaseRequest leaseRequest(int batch, Duration ttl) {
    return new LeaseRequest(batch, Long.MAX_VALUE, ttl);
  }

  /**
   * Short facts for the status line that are not errors (TempoDB: increments whose outcome is
   * unknown). Called from other threads.
   */
  default java.util.List<String> notes() {
    return java.util.List.of();
  }

  /**
   * Records this handler will not send again although the API may or may not have applied them
   * (TempoDB increments after an ambiguous failure), per series. Called from other threads.
   */
  default OutcomeUnknown outcomeUnknown() {
    return OutcomeUnknown.NONE;
  }

  /** Releases files or connections. */
  @Override
  default void close() {}
}
