package io.ferry.buffer;

import io.ferry.buffer.UplinkLeases.Segment;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lease handed out by {@link SqliteBuffer}. Completion runs on the buffer's writer thread and
 * returns once committed. Only the first completion call counts; later ones are refused with
 * {@link IllegalStateException} so that a double ack is noticed rather than silently ignored.
 */
final class SqliteLease implements Lease {
  private final SqliteBuffer owner;
  private final String uplink;
  private final long leaseId;
  private final long expiresAtMicros;
  private final List<SampleRecord> samples;
  private final List<RollupRecord> rollups;
  private final List<IncrementRecord> increments;
  private final List<Segment> rawSegments;
  private final boolean drained;
  private final AtomicBoolean completed = new AtomicBoolean();

  SqliteLease(
      SqliteBuffer owner,
      String uplink,
      long leaseId,
      long expiresAtMicros,
      List<SampleRecord> samples,
      List<RollupRecord> rollups,
      List<IncrementRecord> increments,
      List<Segment> rawSegments,
      boolean drained) {
    this.drained = drained;
    this.owner = owner;
    this.uplink = uplink;
    this.leaseId = leaseId;
    this.expiresAtMicros = expiresAtMicros;
    this.samples = samples;
    this.rollups = rollups;
    this.increments = increments;
    this.rawSegments = List.copyOf(rawSegments);
  }

  static SqliteLease empty(String uplink, SqliteBuffer owner) {
    return new SqliteLease(owner, uplink, 0, Long.MAX_VALUE, List.of(), List.of(), List.of(), List.of(), true);
  }

  @Override
  public boolean drained() {
    return drained;
  }

  long leaseId() {
    return leaseId;
  }

  long expiresAtMicros() {
    return expiresAtMicros;
  }

  List<Segment> rawSegments() {
    return rawSegments;
  }

  @Override
  public String uplink() {
    return uplink;
  }

  @Override
  public List<SampleRecord> samples() {
    return samples;
  }

  @Override
  public List<RollupRecord> rollups() {
    return rollups;
  }

  @Override
  public List<IncrementRecord> increments() {
    return increments;
  }

  @Override
  public void ack() {
    finish(null, null, null, null); // null: all of them, without building id sets
  }

  @Override
  public void ack(Collection<? extends BufferRecord> delivered) {
    finishSubset(delivered, null);
  }

  @Override
  public void release() {
    finish(Set.of(), Set.of(), Set.of(), null);
  }

  @Override
  public void reject(Collection<? extends BufferRecord> rejected, String reason) {
    finishSubset(rejected, reason == null ? "" : reason);
  }

  private void finishSubset(Collection<? extends BufferRecord> records, String reason) {
    Set<Long> s = new HashSet<>();
    Set<Long> r = new HashSet<>();
    Set<Long> i = new HashSet<>();
    for (BufferRecord rec : records) {
      if (rec instanceof SampleRecord x) {
        s.add(x.id());
      } else if (rec instanceof RollupRecord x) {
        r.add(x.id());
      } else if (rec instanceof IncrementRecord x) {
        i.add(x.id());
      }
    }
    // Only records of this lease count: an id from elsewhere must not ack someone else's row.
    s.retainAll(all(samples));
    r.retainAll(all(rollups));
    i.retainAll(all(increments));
    finish(s, r, i, reason);
  }

  private void finish(Set<Long> s, Set<Long> r, Set<Long> i, String reason) {
    if (!completed.compareAndSet(false, true)) {
      throw new IllegalStateException("lease of " + uplink + " was already completed");
    }
    if (leaseId == 0) {
      return;
    }
    owner.complete(this, s, r, i, reason);
  }

  private static Set<Long> all(List<? extends BufferRecord> records) {
    Set<Long> ids = new HashSet<>(records.size() * 2);
    if (records instanceof CompactSamples c) { // ids without building the records
      for (int k = 0; k < c.size(); k++) {
        ids.add(c.id(k));
      }
      return ids;
    }
    for (BufferRecord r : records) {
      ids.add(r.id());
    }
    return ids;
  }

  @Override
  public String toString() {
    return "Lease[" + uplink + " #" + leaseId + ": " + samples.size() + " samples, " + rollups.size() + " rollups, "
        + increments.size() + " increments]";
  }
}
