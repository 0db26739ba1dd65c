package io.ferry.uplink;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of one uplink for the status line and health.
 *
 * @param recordsDelivered records (samples, rollups, increments) acknowledged by the API since start
 * @param samplesDelivered of which raw samples
 * @param rejected records dead-lettered since start (the API refused them for good)
 * @param dropped values never sent because the API cannot carry them (non-finite numbers), counted
 * @param backlog records waiting in the buffer for this uplink (at the last look)
 * @param bytesSent request bytes written to the wire since start (after compression)
 * @param calls HTTP calls (or file writes) made since start
 * @param lastError the last failure, never containing a secret; empty after a success
 * @param lastSuccess when the last batch was acknowledged
 * @param notes facts the uplink type adds (TempoDB: increments whose outcome is unknown)
 * @param outcomes batches since start by how they ended, keyed by {@link #OUTCOMES} (each key always present)
 * @param outcomeUnknown records sent once and not again whose outcome is unknown, per series (TempoDB
 *     increments; durable: counted since the uplink's state was last cleared, not since start)
 */
public record UplinkStatus(
    String name,
    String type,
    UplinkState state,
    long recordsDelivered,
    long samplesDelivered,
    long rejected,
    long dropped,
    long backlog,
    long bytesSent,
    long calls,
    Optional<String> lastError,
    Optional<Instant> lastSuccess,
    List<String> notes,
    Map<String, Long> outcomes,
    OutcomeUnknown outcomeUnknown) {

  /** The outcome keys, in a fixed order (bounded: they become a metric label). */
  public static final List<String> OUTCOMES = List.of(
      "acked", "partial", "retry", "rejected", "too_large", "unauthorized", "misconfigured", "nothing_ready");

  public UplinkStatus {
    notes = List.copyOf(notes);
    outcomes = Map.copyOf(outcomes);
    java.util.Objects.requireNonNull(outcomeUnknown, "outcomeUnknown");
  }

  /** A status whose uplink type has no outcome-unknown records. */
  public UplinkStatus(String name, String type, UplinkState state, long recordsDelivered, long samplesDelivered,
      long rejected, long dropped, long backlog, long bytesSent, long calls, Optional<String> lastError,
      Optional<Instant> lastSuccess, List<String> notes, Map<String, Long> outcomes) {
    this(name, type, state, recordsDelivered, samplesDelivered, rejected, dropped, backlog, bytesSent, calls, lastError,
        lastSuccess, notes, outcomes, OutcomeUnknown.NONE);
  }

  /** A status without notes or outcome counts (all zero). */
  public UplinkStatus(String name, String type, UplinkState state, long recordsDelivered, long samplesDelivered,
      long rejected, long dropped, long backlog, long bytesSent, long calls, Optional<String> lastError,
      Optional<Instant> lastSuccess) {
    this(name, type, state, recordsDelivered, samplesDelivered, rejected, dropped, backlog, bytesSent, calls, lastError,
        lastSuccess, List.of(), Map.of());
  }

  /** Batches that ended with {@code outcome} since start. */
  public long outcome(String outcome) {
    return outcomes.getOrDefault(outcome, 0L);
  }
}
