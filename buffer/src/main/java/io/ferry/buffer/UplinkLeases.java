package io.ferry.buffer;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Live leases and leased ranges of one uplink (memory only: a restart releases every lease). */
final class UplinkLeases {
  final String name;
  final int bit;
  long rawFloor;
  final TreeMap<Long, Long> rawSegments = new TreeMap<>();
  final Set<Long> rollupIds = new HashSet<>();
  final Set<Long> incrIds = new HashSet<>();
  final Map<Long, SqliteLease> live = new LinkedHashMap<>();
  long nextLeaseId = 1;

  UplinkLeases(String name, int bit) {
    this.name = name;
    this.bit = bit;
  }

  /** One contiguous stretch of the raw queue handed to one lease, with the rows it holds. */
  record Segment(long lo, long hi, long[] seqs) {}
}
