package io.ferry.buffer;

import io.ferry.core.ChannelSpec;
import io.ferry.core.Sample;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Ferry's durable queue. Drivers append samples; each uplink leases batches of what is routed to
 * it, sends them, and completes the lease (ack, release for retry, or reject). A raw row is
 * deleted only when every uplink that routes it has acknowledged it. Rollups and increments are
 * computed inside the store and leased like samples by the uplinks that route them.
 *
 * <p>Thread-safety: every method may be called from any thread. Appends are batched by a single
 * writer thread; leases and completions never block appends for longer than one transaction.
 */
public interface Buffer extends AutoCloseable {

  /**
   * Hands samples to the writer. The future completes once they are committed (durable on power
   * cut under {@link Synchronous#FULL}), or exceptionally with {@link AppendRefusedException} when
   * the store refused them (disk full, closed); refused samples are counted, never silently lost.
   */
  CompletableFuture<Void> append(List<Sample> samples);

  /**
   * Leases up to {@code request.maxRecords()} records (and about {@code request.maxBytes()})
   * routed to {@code uplink} that it has not acknowledged and that are not under another live
   * lease. Samples come ordered by channel, then time. Returns an empty lease when nothing waits.
   */
  Lease lease(String uplink, LeaseRequest request);

  /**
   * The newest source time (µs) ever stored of each channel of {@code instrument}, also of samples
   * since uploaded and deleted; channels never stored are absent. Sees every append made before the
   * call. Where a driver's history backfill starts.
   */
  java.util.Map<io.ferry.core.ChannelId, Long> newestSourceTimes(String instrument);

  /**
   * As {@link #append}, for samples read from a device's history: the buffer also keeps their
   * newest source time per channel ({@link #historySourceTimes}), in the same transaction.
   */
  CompletableFuture<Void> appendHistory(List<Sample> samples);

  /**
   * The newest source time (µs) stored through {@link #appendHistory} of each channel of
   * {@code instrument}; channels without are absent. Where an interrupted backfill resumes.
   */
  java.util.Map<io.ferry.core.ChannelId, Long> historySourceTimes(String instrument);

  /** Durable key/value state private to one uplink (stream ids, chunk indexes, known streams). */
  KeyValueStore uplinkState(String uplink);

  /** Replaces the channel specifications (routes, rollups, counters), for example after reload. */
  void configure(List<ChannelSpec> channels);

  /** Blocks until everything appended before this call is committed. */
  void flush();

  /** Counts for operators and health: depth per uplink, bytes, oldest unsent, drops. */
  BufferStats stats();

  /** The SQLite database file (read-only tools and the mirror open their own connections). */
  Path file();

  /** Flushes, stops the writer and closes the database. Idempotent. */
  @Override
  void close();
}
