package io.ferry.buffer;

import java.util.Map;

/**
 * A snapshot for operators.
 *
 * @param rawSamples raw rows stored
 * @param bytes size of the database files (main + WAL)
 * @param appended samples accepted since open
 * @param refused samples refused since open (disk full, closed)
 * @param uplinks per uplink: records waiting and the oldest waiting sample time
 * @param dropped samples dropped per "instrument/channel reason" key (budget, age, late)
 */
public record BufferStats(
    long rawSamples,
    long bytes,
    long appended,
    long refused,
    Map<String, UplinkBacklog> uplinks,
    Map<String, Long> dropped) {

  /** Backlog of one uplink; {@code oldestMicros} is 0 when nothing waits. */
  public record UplinkBacklog(long samples, long rollups, long increments, long oldestMicros) {}
}
