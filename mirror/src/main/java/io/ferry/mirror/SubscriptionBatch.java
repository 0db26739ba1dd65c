package io.ferry.mirror;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decoded response of {@code subscriptions/data/list}: the updates in ingestion order, the
 * membership changes, each partition's next cursor and {@code hasNext}.
 */
public record SubscriptionBatch(
    List<SeriesUpdate> updates,
    List<SeriesRef> added,
    List<SeriesRef> removed,
    Map<Integer, String> nextCursors,
    boolean hasNext) {

  public SubscriptionBatch {
    updates = List.copyOf(updates);
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    nextCursors = Map.copyOf(nextCursors);
  }

  /** Upserted points plus delete ranges plus membership changes: what the batch changes. */
  public int size() {
    int n = added.size() + removed.size();
    for (SeriesUpdate u : updates) {
      n += u.upserts().size() + u.deletes().size();
    }
    return n;
  }

  /** A time series as the API names it; {@code id} is CDF's internal id, the mirror's key. */
  public record SeriesRef(long id, Optional<String> externalId, Optional<String> instanceSpace,
      Optional<String> instanceExternalId, boolean isString) {
    public SeriesRef {
      Objects.requireNonNull(externalId, "externalId");
      Objects.requireNonNull(instanceSpace, "instanceSpace");
      Objects.requireNonNull(instanceExternalId, "instanceExternalId");
    }

    public static SeriesRef of(long id, String externalId, boolean isString) {
      return new SeriesRef(id, Optional.ofNullable(externalId), Optional.empty(), Optional.empty(), isString);
    }

    /** For messages: the external id when there is one, else the instance id, else the numeric id. */
    public String display() {
      return externalId.orElseGet(() -> instanceExternalId.map(x -> instanceSpace.orElse("") + ":" + x).orElse("id " + id));
    }
  }

  /** One series' changes from one ingestion request. */
  public record SeriesUpdate(SeriesRef series, List<Point> upserts, List<DeleteRange> deletes) {
    public SeriesUpdate {
      upserts = List.copyOf(upserts);
      deletes = List.copyOf(deletes);
    }
  }

  /**
   * One upserted datapoint. Exactly one of {@code number}/{@code text} is set for a good point;
   * both are null for a point without a value (a Bad point whose value the API omits, or NaN).
   *
   * @param timestamp milliseconds since the epoch
   * @param statusCode the OPC-UA-style status code; 0 is Good (the API omits Good statuses)
   */
  public record Point(long timestamp, Double number, String text, long statusCode) {
    public static Point number(long timestamp, double v) {
      return new Point(timestamp, v, null, 0);
    }

    public static Point text(long timestamp, String v) {
      return new Point(timestamp, null, v, 0);
    }
  }

  /** Deleted time range {@code [inclusiveBegin, exclusiveEnd)} in milliseconds. */
  public record DeleteRange(long inclusiveBegin, long exclusiveEnd) {}
}
