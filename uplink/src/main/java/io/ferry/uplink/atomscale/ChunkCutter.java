package io.ferry.uplink.atomscale;

import io.ferry.buffer.SampleRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cuts one instrument's samples (ordered by channel, then time) into chunks of exactly
 * {@code pointsPerChunk} finite points per channel. A chunk is only cut when every channel of the
 * stream has enough points, so chunks are the same whatever the lease looked like: a retry after
 * a crash sends identical content under the same index. Non-finite values (and text) are never
 * sent: they are covered by the chunk they fall in and counted as dropped. Pure.
 */
public final class ChunkCutter {
  /** A chunk: finite points per channel (stream order) and every record it covers. */
  public record Chunk(Map<String, List<SampleRecord>> points, List<SampleRecord> covered, int dropped, boolean full) {
    /** Identifies the content: the same records give the same signature. */
    public String signature() {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (SampleRecord r : covered) {
        min = Math.min(min, r.id());
        max = Math.max(max, r.id());
      }
      return min + "-" + max + "-" + covered.size();
    }
  }

  private final List<String> channels;
  private final int n;
  private final Map<String, List<SampleRecord>> byChannel = new LinkedHashMap<>();
  private final Map<String, Integer> cursor = new LinkedHashMap<>();

  public ChunkCutter(List<SampleRecord> samples, List<String> channels, int pointsPerChunk) {
    this.channels = List.copyOf(channels);
    this.n = pointsPerChunk;
    for (String c : channels) {
      byChannel.put(c, new ArrayList<>());
      cursor.put(c, 0);
    }
    for (SampleRecord r : samples) {
      List<SampleRecord> list = byChannel.get(r.channel().channel());
      if (list != null) {
        list.add(r);
      }
    }
  }

  /**
   * The next chunk: full (exactly n finite points per channel) when every channel has them;
   * with {@code allowShort} (finalize) whatever remains, at most n points per channel. Empty when
   * nothing (more) can be cut.
   */
  public Optional<Chunk> next(boolean allowShort) {
    Map<String, List<SampleRecord>> points = new LinkedHashMap<>();
    Map<String, Integer> ends = new LinkedHashMap<>();
    List<SampleRecord> covered = new ArrayList<>();
    int dropped = 0;
    boolean full = true;
    for (String c : channels) {
      List<SampleRecord> list = byChannel.get(c);
      int i = cursor.get(c);
      List<SampleRecord> pts = new ArrayList<>(Math.min(n, list.size() - i));
      while (i < list.size() && pts.size() < n) {
        SampleRecord r = list.get(i++);
        if (isSendable(r)) {
          pts.add(r);
        }
      }
      if (pts.size() < n) {
        full = false;
        if (!allowShort) {
          return Optional.empty();
        }
        i = list.size(); // the final chunk takes trailing non-finite values too
      }
      points.put(c, pts);
      ends.put(c, i);
    }
    for (String c : channels) {
      List<SampleRecord> list = byChannel.get(c);
      for (int i = cursor.get(c); i < ends.get(c); i++) {
        covered.add(list.get(i));
        if (!isSendable(list.get(i))) {
          dropped++;
        }
      }
      cursor.put(c, ends.get(c));
    }
    if (covered.isEmpty()) {
      return Optional.empty();
    }
    points.values().removeIf(List::isEmpty);
    return Optional.of(new Chunk(points, covered, dropped, full));
  }

  static boolean isSendable(SampleRecord r) {
    return !r.sample().isText() && Double.isFinite(r.sample().value());
  }
}
