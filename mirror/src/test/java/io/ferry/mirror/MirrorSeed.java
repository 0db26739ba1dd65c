package io.ferry.mirror;

import io.ferry.mirror.SubscriptionBatch.Point;
import io.ferry.mirror.SubscriptionBatch.SeriesRef;
import io.ferry.mirror.SubscriptionBatch.SeriesUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small mirror written through {@link MirrorStore} for tests outside this module (the CLI's):
 * series 7 "temp.setpoint" with four points from {@code t} (21.5, 22, a bad status, +Infinity) and
 * series 8 "recipe" with one text point, in two partitions polled 5 and 2 minutes before {@code now}.
 */
public final class MirrorSeed {
  private MirrorSeed() {}

  /** Adds one numeric datapoint of series {@code id}/{@code externalId} as partition 0 of subscription "subs" would. */
  public static void point(Path db, long id, String externalId, long t, double value, Instant now) throws Exception {
    SeriesRef series = SeriesRef.of(id, externalId, false);
    try (MirrorStore store = MirrorStore.open(db, "subs")) {
      store.partition(0, Optional.empty());
      store.apply(0, new SubscriptionBatch(List.of(new SeriesUpdate(series, List.of(Point.number(t, value)), List.of())),
          List.of(series), List.of(), Map.of(0, "c" + t), false), now);
    }
  }

  public static void twoSeries(Path db, long t, Instant now) throws Exception {
    SeriesRef temp = SeriesRef.of(7, "temp.setpoint", false);
    SeriesRef recipe = SeriesRef.of(8, "recipe", true);
    try (MirrorStore store = MirrorStore.open(db, "subs")) {
      store.partition(0, Optional.empty());
      store.partition(1, Optional.empty());
      store.apply(0, new SubscriptionBatch(List.of(
          new SeriesUpdate(temp, List.of(Point.number(t, 21.5), Point.number(t + 1000, 22), new Point(t + 2000, null, null, 2147483648L),
              Point.number(t + 3000, Double.POSITIVE_INFINITY)), List.of()),
          new SeriesUpdate(recipe, List.of(Point.text(t, "mix, \"A\"")), List.of())),
          List.of(temp, recipe), List.of(), Map.of(0, "c1"), false), now.minus(Duration.ofMinutes(5)));
      store.apply(1, new SubscriptionBatch(List.of(), List.of(), List.of(), Map.of(1, "d1"), true), now.minus(Duration.ofMinutes(2)));
    }
  }
}
