package io.ferry.buffer;

import java.util.HashMap;
import java.util.Map;

/**
 * Pending in-memory changes of one store transaction (depths, row count, sequences, drops, counter
 * reads): collected while the SQL runs and applied to memory by {@link BufferStore} only after the
 * transaction committed, so memory never runs ahead of the file.
 */
final class StoreTx {
  /** One drop counter: channel key and reason. */
  record DropKey(int ch, String reason) {}

  final long[] depth = new long[64];
  long rows;
  long nextSeq;
  long nextRollupId;
  long nextIncrId;
  final long nextIncrIdBefore;
  final Map<DropKey, Long> drops = new HashMap<>();
  final Map<Integer, Double> counters = new HashMap<>();
  final Map<Integer, Long> counterTimes = new HashMap<>();

  StoreTx(long nextSeq, long nextRollupId, long nextIncrId) {
    this.nextSeq = nextSeq;
    this.nextRollupId = nextRollupId;
    this.nextIncrId = nextIncrId;
    this.nextIncrIdBefore = nextIncrId;
  }

  void drop(int ch, String reason, long n) {
    drops.merge(new DropKey(ch, reason), n, Long::sum);
  }

  void depth(long mask, long n) {
    addDepth(depth, mask, n);
  }

  /** Adds {@code n} to the depth of every uplink whose bit is set in {@code mask}. */
  static void addDepth(long[] depth, long mask, long n) {
    long m = mask;
    while (m != 0) {
      int bit = Long.numberOfTrailingZeros(m);
      depth[bit] += n;
      m &= m - 1;
    }
  }
}
