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
 * @param dropped records dropped per "instrument/channel reason" key: {@code budget} (raw samples
 *     shed for the byte budget), {@code budget-rollup}/{@code budget-incr} (derived records shed
 *     last), {@code age} (older than maxAge), {@code late} (arrived after their rollup interval
 *     closed: still stored raw, missing from the rollup), {@code unrouted} (channel not
 *     configured), {@code rejected} (an uplink rejected them for good)
 * @param events notable but lossless happenings per "instrument/channel kind" key:
 *     {@code counter-reset} (a cumulative counter went down: device reset or meter replaced),
 *     {@code counter-invalid} (a counter read that was not a number or older than the previous)
 * @param reported per "instrument/channel" with a report filter: samples polled and suppressed
 *     since open (suppressed samples still feed rollups, increments and unfiltered uplinks)
 */
public record BufferStats(
    long rawSamples,
    long bytes,
    long appended,
    long refused,
    Map<String, UplinkBacklog> uplinks,
    Map<String, Long> dropped,
    Map<String, Long> events,
    Map<String, Reported> reported) {

  public BufferStats {
    uplinks = Map.copyOf(uplinks);
    dropped = Map.copyOf(dropped);
    events = Map.copyOf(events);
    reported = Map.copyOf(reported);
  }

  /** The seven-part form (no report filter counts). */
  public BufferStats(
      long rawSamples, long bytes, long appended, long refused, Map<String, UplinkBacklog> uplinks,
      Map<String, Long> dropped, Map<String, Long> events) {
    this(rawSamples, bytes, appended, refused, uplinks, dropped, events, Map.of());
  }

  /** The original six-part form (no events). */
  public BufferStats(
      long rawSamples, long bytes, long appended, long refused, Map<String, UplinkBacklog> uplinks,
      Map<String, Long> dropped) {
    this(rawSamples, bytes, appended, refused, uplinks, dropped, Map.of());
  }

  /** Total of {@link #dropped()} for one reason. */
  public long droppedFor(String reason) {
    return dropped.entrySet().stream().filter(e -> e.getKey().endsWith(" " + reason)).mapToLong(Map.Entry::getValue).sum();
  }

  /** Report-by-exception counts of one channel. */
  public record Reported(long polled, long suppressed) {
    /** Whole percent of polled samples reported ("sent 4 % of polled"); 100 when none polled. */
    public long sentPercent() {
      return polled == 0 ? 100 : Math.round(100.0 * (polled - suppressed) / polled);
    }
  }

  /** Backlog of one uplink; {@code oldestMicros} is 0 when nothing waits. */
  public record UplinkBacklog(long samples, long rollups, long increments, long oldestMicros) {}
}
