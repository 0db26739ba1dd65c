package io.ferry.uplink.tempodb;

import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.Stat;
import io.ferry.uplink.ChannelCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw samples and rollups as write points (idempotent upserts). Pure. A sample is one point
 * of {@link TempoDbPlan#rawKey}; a rollup one point per statistic ({@code instrument/channel/stat},
 * at the interval start). Text and non-finite values are not sent (TempoDB stores numbers): they
 * are counted as dropped. Statistics per rollup: {@link ChannelCatalog#rollupStats}.
 */
record WritePlan(List<Point> points, int dropped) {

  static WritePlan of(ChannelCatalog catalog, List<SampleRecord> samples, List<RollupRecord> rollups) {
    List<Point> points = new ArrayList<>();
    int dropped = 0;
    for (SampleRecord r : samples) {
      if (r.sample().isText() || !Double.isFinite(r.sample().value())) {
        dropped++;
        continue;
      }
      points.add(new Point(TempoDbPlan.rawKey(catalog, r.channel()), r.sample().timeMicros(), r.sample().value(), false, List.of(r)));
    }
    for (RollupRecord r : rollups) {
      for (Stat stat : catalog.rollupStats(r.channel())) {
        double v = r.value(stat);
        if (!Double.isFinite(v)) {
          dropped++;
          continue;
        }
        points.add(new Point(TempoDbPlan.seriesKey(r.channel(), stat), r.startMicros(), v, stat == Stat.COUNT, List.of(r)));
      }
    }
    return new WritePlan(List.copyOf(points), dropped);
  }
}
