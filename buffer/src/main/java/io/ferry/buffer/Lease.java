package io.ferry.buffer;

import java.util.Collection;
import java.util.List;

/**
 * Records handed to one uplink until it completes them. Exactly one completion call per record:
 * {@link #ack()}/{@link #ack(Collection)} (delivered: never handed to this uplink again),
 * {@link #release()} (retry: leasable again at once), {@link #reject(Collection, String)} (the
 * API refused them for good: counted as dead letters, never sent again to this uplink). Records a
 * partial completion leaves open are released. A lease that is not completed before its TTL
 * expires is released by the buffer, so a crash between send and ack resends (at least once).
 */
public interface Lease {
  String uplink();

  /**
   * Raw samples, ordered by channel (instrument, channel), then time. The list may be compact
   * (primitive arrays) and build a new record on each read: records compare equal by value and
   * completion matches them by id, but a caller that matches records by identity must read them
   * once and keep what it got.
   */
  List<SampleRecord> samples();

  /** Closed interval rollups, ordered by channel, then interval start. */
  List<RollupRecord> rollups();

  /** Increments, ordered by channel, then bucket start. */
  List<IncrementRecord> increments();

  default boolean isEmpty() {
    return samples().isEmpty() && rollups().isEmpty() && increments().isEmpty();
  }

  default int size() {
    return samples().size() + rollups().size() + increments().size();
  }

  /**
   * True when the buffer held nothing more for this uplink when the lease was taken (every record
   * it could have leased is in this lease), so that after completing it the uplink may wait for the
   * next append instead of leasing again at once only to find the queue empty. False when unsure.
   */
  default boolean drained() {
    return false;
  }

  void ack();

  /** Acknowledges these records; the lease's other records are released for retry. */
  void ack(Collection<? extends BufferRecord> delivered);

  void release();

  /** Rejects these records for good (counted per channel with the reason); others are released. */
  void reject(Collection<? extends BufferRecord> rejected, String reason);
}
