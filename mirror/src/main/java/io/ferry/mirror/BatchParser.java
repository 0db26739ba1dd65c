package io.ferry.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.mirror.SubscriptionBatch.DeleteRange;
import io.ferry.mirror.SubscriptionBatch.Point;
import io.ferry.mirror.SubscriptionBatch.SeriesRef;
import io.ferry.mirror.SubscriptionBatch.SeriesUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes a {@code data/list} response body. Pure. Unknown keys are ignored (the API adds fields);
 * a missing or mistyped required field is an error naming its JSON path, and nothing of such a
 * body is applied.
 */
public final class BatchParser {
  static final long STATUS_BAD = 0x80000000L;
  static final long STATUS_UNCERTAIN = 0x40000000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchParser() {}

  /** A body the mirror cannot use; the message names the JSON path. */
  public static final class MalformedResponseException extends Exception {
    public MalformedResponseException(String message) {
      super(message);
    }
  }

  public static SubscriptionBatch parse(String body) throws MalformedResponseException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedResponseException("response is not JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new MalformedResponseException("response is not a JSON object");
    }
    List<SeriesUpdate> updates = new ArrayList<>();
    JsonNode ups = array(root, "updates", "updates", true);
    for (int i = 0; i < ups.size(); i++) {
      updates.add(update(ups.get(i), "updates[" + i + "]"));
    }
    List<SeriesRef> added = new ArrayList<>();
    List<SeriesRef> removed = new ArrayList<>();
    JsonNode changes = root.get("subscriptionChanges");
    if (changes != null && !changes.isNull()) {
      if (!changes.isObject()) {
        throw new MalformedResponseException("subscriptionChanges: expected an object");
      }
      JsonNode a = array(changes, "added", "subscriptionChanges.added", true);
      for (int i = 0; i < a.size(); i++) {
        added.add(series(a.get(i), "subscriptionChanges.added[" + i + "]"));
      }
      JsonNode r = array(changes, "removed", "subscriptionChanges.removed", true);
      for (int i = 0; i < r.size(); i++) {
        removed.add(series(r.get(i), "subscriptionChanges.removed[" + i + "]"));
      }
    }
    Map<Integer, String> cursors = new HashMap<>();
    JsonNode parts = array(root, "partitions", "partitions", false);
    for (int i = 0; i < parts.size(); i++) {
      JsonNode p = parts.get(i);
      String path = "partitions[" + i + "]";
      long index = integer(p, "index", path);
      JsonNode c = p.get("nextCursor");
      if (c == null || !c.isTextual() || c.asText().isEmpty()) {
        throw new MalformedResponseException(path + ".nextCursor: expected a text");
      }
      cursors.put((int) index, c.asText());
    }
    JsonNode hasNext = root.get("hasNext");
    if (hasNext == null || !hasNext.isBoolean()) {
      throw new MalformedResponseException("hasNext: expected true or false");
    }
    return new SubscriptionBatch(updates, added, removed, cursors, hasNext.booleanValue());
  }

  private static SeriesUpdate update(JsonNode u, String path) throws MalformedResponseException {
    if (!u.isObject()) {
      throw new MalformedResponseException(path + ": expected an object");
    }
    JsonNode ts = u.get("timeSeries");
    if (ts == null || !ts.isObject()) {
      throw new MalformedResponseException(path + ".timeSeries: expected an object");
    }
    SeriesRef series = series(ts, path + ".timeSeries");
    List<Point> points = new ArrayList<>();
    JsonNode ups = array(u, "upserts", path + ".upserts", true);
    for (int i = 0; i < ups.size(); i++) {
      points.add(point(ups.get(i), series, path + ".upserts[" + i + "]"));
    }
    List<DeleteRange> deletes = new ArrayList<>();
    JsonNode dels = array(u, "deletes", path + ".deletes", true);
    for (int i = 0; i < dels.size(); i++) {
      String p = path + ".deletes[" + i + "]";
      long begin = integer(dels.get(i), "inclusiveBegin", p);
      // The API omits exclusiveEnd when a single timestamp was deleted.
      long end = dels.get(i).has("exclusiveEnd") && !dels.get(i).get("exclusiveEnd").isNull()
          ? integer(dels.get(i), "exclusiveEnd", p) : begin + 1;
      deletes.add(new DeleteRange(begin, end));
    }
    return new SeriesUpdate(series, points, deletes);
  }

  private static SeriesRef series(JsonNode n, String path) throws MalformedResponseException {
    if (!n.isObject()) {
      throw new MalformedResponseException(path + ": expected an object");
    }
    long id = integer(n, "id", path);
    Optional<String> xid = text(n, "externalId");
    Optional<String> space = Optional.empty();
    Optional<String> instanceXid = Optional.empty();
    JsonNode inst = n.get("instanceId");
    if (inst != null && inst.isObject()) {
      space = text(inst, "space");
      instanceXid = text(inst, "externalId");
    }
    JsonNode isString = n.get("isString");
    boolean str = false;
    if (isString != null && !isString.isNull()) {
      if (!isString.isBoolean()) {
        throw new MalformedResponseException(path + ".isString: expected true or false");
      }
      str = isString.booleanValue();
    } else {
      str = text(n, "type").map(t -> t.equalsIgnoreCase("string")).orElse(false);
    }
    return new SeriesRef(id, xid, space, instanceXid, str);
  }

  private static Point point(JsonNode p, SeriesRef series, String path) throws MalformedResponseException {
    if (!p.isObject()) {
      throw new MalformedResponseException(path + ": expected an object");
    }
    long ts = integer(p, "timestamp", path);
    long status = status(p.get("status"), path);
    JsonNode v = p.get("value");
    if (v == null || v.isNull()) {
      return new Point(ts, null, null, status);
    }
    if (series.isString()) {
      if (v.isTextual()) {
        return new Point(ts, null, v.asText(), status);
      }
      if (v.isNumber() || v.isBoolean()) {
        // The API reference's own example sends 0 for a string series: keep it as its text rather
        // than stall the partition on it.
        return new Point(ts, null, v.asText(), status);
      }
      throw new MalformedResponseException(path + ".value: series " + series.display() + " is a string series, got " + v.getNodeType());
    }
    if (v.isNumber()) {
      return new Point(ts, v.doubleValue(), null, status);
    }
    if (v.isTextual()) {
      // Numeric series send non-finite values as text.
      switch (v.asText()) {
        case "NaN":
          return new Point(ts, null, null, status);
        case "Infinity":
          return new Point(ts, Double.POSITIVE_INFINITY, null, status);
        case "-Infinity":
          return new Point(ts, Double.NEGATIVE_INFINITY, null, status);
        default:
          break;
      }
    }
    throw new MalformedResponseException(path + ".value: series " + series.display() + " is numeric, got " + v);
  }

  private static long status(JsonNode s, String path) throws MalformedResponseException {
    if (s == null || s.isNull()) {
      return 0;
    }
    if (!s.isObject()) {
      throw new MalformedResponseException(path + ".status: expected an object");
    }
    JsonNode code = s.get("code");
    if (code != null && !code.isNull()) {
      if (!code.canConvertToLong() || !code.isIntegralNumber()) {
        throw new MalformedResponseException(path + ".status.code: expected a whole number");
      }
      return code.longValue();
    }
    String symbol = text(s, "symbol").orElse("Good");
    return symbol.startsWith("Bad") ? STATUS_BAD : symbol.startsWith("Uncertain") ? STATUS_UNCERTAIN : 0;
  }

  private static JsonNode array(JsonNode parent, String key, String path, boolean optional) throws MalformedResponseException {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      if (optional) {
        return JSON.createArrayNode();
      }
      throw new MalformedResponseException(path + ": missing");
    }
    if (!n.isArray()) {
      throw new MalformedResponseException(path + ": expected a list");
    }
    return n;
  }

  private static long integer(JsonNode n, String key, String path) throws MalformedResponseException {
    JsonNode v = n.get(key);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new MalformedResponseException(path + "." + key + ": expected a whole number");
    }
    return v.longValue();
  }

  private static Optional<String> text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }
}
