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
}
