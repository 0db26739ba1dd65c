package io.ferry.drivers.modbus.codec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges channels into as few read requests as possible. Pure.
 *
 * <p>Per table, channels sorted by address are taken greedily: a channel joins the current
 * request when the unused gap before it is at most {@link PlannerLimits#gap}, the merged read
 * stays within the per-device cap and it crosses no learned {@link SplitMemory} boundary;
 * otherwise it starts a new request. Channels that share registers (bits of one register)
 * always share a read. Requests of one table never overlap unless the configuration itself
 * defines channels that partly overlap and cannot fit in one request.
 */
public final class RequestPlanner {
  private RequestPlanner() {}

  public static List<ReadRequest> plan(List<ModbusChannel> channels, PlannerLimits limits, SplitMemory splits) {
    Map<Table, List<ModbusChannel>> byTable = new EnumMap<>(Table.class);
    for (ModbusChannel c : channels) {
      byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c);
    }
    List<ReadRequest> out = new ArrayList<>();
    for (var e : byTable.entrySet()) {
      Table table = e.getKey();
      List<ModbusChannel> sorted = new ArrayList<>(e.getValue());
      sorted.sort(Comparator.comparingInt(ModbusChannel::address).thenComparingInt(ModbusChannel::end));
      int cap = limits.cap(table);
      int maxGap = limits.gap(table);
      List<ModbusChannel> current = new ArrayList<>();
      int start = -1;
      int end = -1;
      for (ModbusChannel c : sorted) {
        if (c.count() > cap) {
          throw new IllegalArgumentException(c.id() + " needs " + c.count() + " items, more than the cap of " + cap);
        }
        if (!current.isEmpty() && limits.merge()) {
          int newEnd = Math.max(end, c.end());
          boolean fits = c.address() - end <= maxGap && newEnd - start <= cap && !splits.crosses(table, start, newEnd);
          if (fits) {
            current.add(c);
            end = newEnd;
            continue;
          }
          out.add(new ReadRequest(table, start, end - start, current));
          current = new ArrayList<>();
        } else if (!current.isEmpty()) {
          out.add(new ReadRequest(table, start, end - start, current));
          current = new ArrayList<>();
        }
        current.add(c);
        start = c.address();
        end = c.end();
      }
      if (!current.isEmpty()) {
        out.add(new ReadRequest(table, start, end - start, current));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Where to cut a request the device rejected with exception 2: the start of the channel after
   * the widest unused gap (the rejected address is most likely one nobody configured), nearest
   * the middle among equals, and never inside a channel. Empty when the request cannot be cut
   * (one channel, or channels that all overlap): its channels then fail on their own.
   */
  public static Optional<Integer> splitPoint(ReadRequest request) {
    List<ModbusChannel> cs = new ArrayList<>(request.channels());
    cs.sort(Comparator.comparingInt(ModbusChannel::address));
    int middle = request.start() + request.count() / 2;
    Integer best = null;
    int bestGap = -1;
    for (ModbusChannel c : cs) {
      int b = c.address();
      if (b <= request.start()) {
        continue;
      }
      boolean straddled = false;
      int endBefore = request.start();
      for (ModbusChannel o : cs) {
        if (o.address() < b && o.end() > b) {
          straddled = true;
          break;
        }
        if (o.address() < b) {
          endBefore = Math.max(endBefore, o.end());
        }
      }
      if (straddled) {
        continue;
      }
      int gap = b - endBefore;
      if (best == null || gap > bestGap || (gap == bestGap && Math.abs(b - middle) < Math.abs(best - middle))) {
        best = b;
        bestGap = gap;
      }
    }
    return Optional.ofNullable(best);
  }
}
