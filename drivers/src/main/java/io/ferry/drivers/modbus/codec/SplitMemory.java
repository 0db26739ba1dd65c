package io.ferry.drivers.modbus.codec;

import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Addresses a read must not cross on one device, learned from exception 2 (illegal data address)
 * answers to merged reads. A boundary {@code b} forbids a request holding both {@code b-1} and
 * {@code b}. Immutable: {@link #with} returns a new memory.
 */
public final class SplitMemory {
  public static final SplitMemory NONE = new SplitMemory(new EnumMap<>(Table.class));

  private final Map<Table, NavigableSet<Integer>> boundaries;

  private SplitMemory(Map<Table, NavigableSet<Integer>> boundaries) {
    this.boundaries = boundaries;
  }

  public SplitMemory with(Table table, int boundary) {
    EnumMap<Table, NavigableSet<Integer>> copy = new EnumMap<>(Table.class);
    boundaries.forEach((t, s) -> copy.put(t, new TreeSet<>(s)));
    copy.computeIfAbsent(table, t -> new TreeSet<>()).add(boundary);
    return new SplitMemory(copy);
  }

  /** True when a read of {@code [start, end)} would cross a boundary. */
  public boolean crosses(Table table, int start, int end) {
    NavigableSet<Integer> s = boundaries.get(table);
    if (s == null) {
      return false;
    }
    Integer b = s.higher(start);
    return b != null && b < end;
  }

  public Set<Integer> boundaries(Table table) {
    NavigableSet<Integer> s = boundaries.get(table);
    return s == null ? Set.of() : Set.copyOf(s);
  }

  public boolean isEmpty() {
    return boundaries.values().stream().allMatch(Set::isEmpty);
  }

  @Override
  public String toString() {
    return boundaries.toString();
  }
}
