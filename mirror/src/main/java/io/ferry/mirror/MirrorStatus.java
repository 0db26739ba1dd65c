package io.ferry.mirror;

import io.ferry.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the mirror holds and how current it is.
 *
 * @param state {@code running}, {@code stopped}, {@code starting} or {@code offline} (CLI, read from the file)
 * @param series series in the subscription (as last reported by it)
 * @param removedSeries series removed from the subscription whose points are still kept
 * @param points mirrored datapoints
 * @param lag time since every partition was last caught up ({@code hasNext} false); empty until then
 * @param lastSuccessfulPoll latest successful response of any partition
 */
public record MirrorStatus(
    String state,
    long series,
    long removedSeries,
    long points,
    Optional<Duration> lag,
    Optional<Instant> lastSuccessfulPoll,
    List<Partition> partitions) {

  public MirrorStatus {
    partitions = List.copyOf(partitions);
  }

  /**
   * @param cursorAge time since the partition's cursor was last stored
   * @param caughtUpAt last response with {@code hasNext} false: everything ingested before it is mirrored
   */
  public record Partition(
      String subscription,
      int index,
      boolean hasCursor,
      Optional<Duration> cursorAge,
      Optional<Instant> lastPoll,
      Optional<Instant> lastData,
      Optional<Instant> caughtUpAt,
      long responses,
      Optional<String> lastError,
      Optional<Instant> errorAt) {}

  /** Human-readable lines for {@code ferry mirror status}. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    out.add("mirror: " + state);
    out.add("series: " + series + (removedSeries > 0 ? " (+" + removedSeries + " removed from the subscription, points kept)" : ""));
    out.add("points: " + points);
    out.add("lag: " + lag.map(Durations::human).orElse("unknown (not caught up yet)"));
    out.add("last successful poll: " + lastSuccessfulPoll.map(Instant::toString).orElse("never"));
    for (Partition p : partitions) {
      StringBuilder sb = new StringBuilder("partition ").append(p.index()).append(" of ").append(p.subscription()).append(": ");
      sb.append(p.hasCursor() ? "cursor age " + p.cursorAge().map(Durations::human).orElse("?") : "no cursor yet");
      sb.append(", ").append(p.responses()).append(" responses");
      p.lastData().ifPresent(t -> sb.append(", last data ").append(t));
      p.lastError().ifPresent(e -> sb.append(", last error ").append(p.errorAt().map(Instant::toString).orElse("")).append(": ").append(e));
      out.add(sb.toString());
    }
    return out;
  }
}
