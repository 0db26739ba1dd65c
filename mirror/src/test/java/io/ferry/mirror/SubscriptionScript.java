package io.ferry.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A scripted subscription: per partition, the pages the server hands out in order, and the state a
 * correct mirror must reach after applying them (an independent, in-memory reference model).
 */
final class SubscriptionScript {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Ts(long id, String xid, boolean isString) {}

  /** A point: {@code num} or {@code str} (or neither for a value-less bad point). */
  record Pt(long t, Double num, String str, long status) {
    static Pt n(long t, double v) {
      return new Pt(t, v, null, 0);
    }

    static Pt s(long t, String v) {
      return new Pt(t, null, v, 0);
    }
  }

  record Update(Ts ts, List<Pt> upserts, List<long[]> deletes) {}

  /** One response's content; {@code ingestedAt} (ms) positions it for {@code initializeCursors}. */
  static final class Page {
    final List<Update> updates = new ArrayList<>();
    final List<Ts> added = new ArrayList<>();
    final List<Ts> removed = new ArrayList<>();
    long ingestedAt;

    Page upsert(Ts ts, Pt... pts) {
      updates.add(new Update(ts, List.of(pts), List.of()));
      return this;
    }

    Page upsert(Ts ts, List<Pt> pts) {
      updates.add(new Update(ts, List.copyOf(pts), List.of()));
      return this;
    }

    Page delete(Ts ts, long inclusiveBegin, long exclusiveEnd) {
      updates.add(new Update(ts, List.of(), List.<long[]>of(new long[] {inclusiveBegin, exclusiveEnd})));
      return this;
    }

    Page added(Ts ts) {
      added.add(ts);
      return this;
    }

    Page removed(Ts ts) {
      removed.add(ts);
      return this;
    }

    Page at(long ingestedAtMs) {
      ingestedAt = ingestedAtMs;
      return this;
    }
  }

  final Map<Integer, List<Page>> pages = new TreeMap<>();

  synchronized SubscriptionScript add(int partition, Page page) {
    pages.computeIfAbsent(partition, k -> new ArrayList<>()).add(page);
    notifyAll();
    return this;
  }

  synchronized int size(int partition) {
    return pages.getOrDefault(partition, List.of()).size();
  }

  synchronized Page page(int partition, int index) {
    return pages.get(partition).get(index);
  }

  /** The {@code data/list} answer for pages [from, to) of a partition. */
  synchronized String response(int partition, int from, int to, String nextCursor) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode updates = root.putArray("updates");
    ArrayNode added = JSON.createArrayNode();
    ArrayNode removed = JSON.createArrayNode();
    for (int i = from; i < to; i++) {
      Page p = pages.get(partition).get(i);
      for (Update u : p.updates) {
        ObjectNode un = updates.addObject();
        ts(un.putObject("timeSeries"), u.ts);
        ArrayNode ups = un.putArray("upserts");
        for (Pt pt : u.upserts) {
          ObjectNode pn = ups.addObject();
          pn.put("timestamp", pt.t);
          if (pt.num != null) {
            if (pt.num.isInfinite()) {
              pn.put("value", pt.num > 0 ? "Infinity" : "-Infinity");
            } else {
              pn.put("value", pt.num);
            }
          } else if (pt.str != null) {
            pn.put("value", pt.str);
          }
          if (pt.status != 0) {
            pn.putObject("status").put("code", pt.status).put("symbol", "Bad");
          }
        }
        ArrayNode dels = un.putArray("deletes");
        for (long[] d : u.deletes) {
          ObjectNode dn = dels.addObject().put("inclusiveBegin", d[0]);
          if (d[1] != d[0] + 1) {
            dn.put("exclusiveEnd", d[1]);
          }
        }
      }
      p.added.forEach(t -> ts(added.addObject(), t));
      p.removed.forEach(t -> ts(removed.addObject(), t));
    }
    ObjectNode changes = root.putObject("subscriptionChanges");
    changes.set("added", added);
    changes.set("removed", removed);
    root.putArray("partitions").addObject().put("index", partition).put("nextCursor", nextCursor);
    root.put("hasNext", to < pages.get(partition).size());
    return root.toString();
  }

  private static void ts(ObjectNode n, Ts t) {
    n.put("id", t.id).put("externalId", t.xid).put("isString", t.isString);
  }

  // ---------------------------------------------------------------- reference model

  /** The final state: series id -> membership, and series id -> time -> point. */
  record Model(Map<Long, Boolean> member, Map<Long, TreeMap<Long, Pt>> points) {}

  synchronized Model model() {
    Map<Long, Boolean> member = new HashMap<>();
    Map<Long, TreeMap<Long, Pt>> points = new HashMap<>();
    for (List<Page> list : pages.values()) {
      for (Page p : list) {
        for (Update u : p.updates) {
          member.putIfAbsent(u.ts.id, true);
          TreeMap<Long, Pt> series = points.computeIfAbsent(u.ts.id, k -> new TreeMap<>());
          for (long[] d : u.deletes) {
            series.subMap(d[0], true, d[1], false).clear();
          }
          for (Pt pt : u.upserts) {
            series.put(pt.t, pt);
          }
        }
        p.added.forEach(t -> member.put(t.id, true));
        p.removed.forEach(t -> member.put(t.id, false));
      }
    }
    points.values().removeIf(TreeMap::isEmpty);
    return new Model(member, points);
  }

  /** What a mirror database holds, in the model's shape. */
  static Model read(MirrorReader r) throws Exception {
    Map<Long, Boolean> member = new HashMap<>();
    Map<Long, TreeMap<Long, Pt>> points = new HashMap<>();
    for (MirrorReader.Series s : r.allSeries()) {
      member.put(s.id(), s.member());
      TreeMap<Long, Pt> series = new TreeMap<>();
      r.points(s.id(), Long.MIN_VALUE, Long.MAX_VALUE, row -> series.put(row.timestamp(),
          new Pt(row.timestamp(), row.number(), row.text(), row.status())));
      if (!series.isEmpty()) {
        points.put(s.id(), series);
      }
    }
    return new Model(member, points);
  }

  static boolean same(Pt a, Pt b) {
    return a.t == b.t && Objects.equals(a.num, b.num) && Objects.equals(a.str, b.str) && a.status == b.status;
  }
}
