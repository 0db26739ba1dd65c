package io.ferry.uplink;

/** One running uplink: a single runner thread that leases, encodes, sends, classifies and completes. */
public interface UplinkService extends AutoCloseable {
  String name();

  /** Starts the runner thread. Calling it twice is an error. */
  void start();

  /**
   * Stops the runner: cancels the call in flight and joins the thread. Records leased but not
   * acknowledged stay with the buffer, which releases them when the lease expires. Idempotent.
   */
  @Override
  void close();

  UplinkStatus status();

  /**
   * Since when the runner has been working without coming back to wait (leasing, encoding, a call
   * in flight), by the context's clock; empty while it waits (an empty queue, a backoff, paused
   * credentials) or is stopped. A runner that is merely backing off is waiting. The watchdog does
   * not judge by this moment (a long call within its timeout is not a hang) but by {@link #dueBy}.
   */
  default java.util.Optional<java.time.Instant> busySince() {
    return java.util.Optional.empty();
  }

  /**
   * When the step in progress is due back, by the context's clock: the end of the call in flight
   * (its start plus the uplink's own {@code timeout}), of a pacing wait, or, between calls, the
   * moment the last one returned. Empty while the runner waits or is stopped. A watchdog reads a
   * step as hung only once it is past this deadline plus a margin, so a long configured timeout
   * is never mistaken for a hang.
   */
  default java.util.Optional<java.time.Instant> dueBy() {
    return java.util.Optional.empty();
  }
}
