package io.ferry.core;

/** A statistic of an interval rollup. */
public enum Stat {
  FIRST,
  LAST,
  MIN,
  MAX,
  SUM,
  COUNT,
  AVG,
  /** Time-weighted average: each value weighted by how long it held within the interval. */
  TWA
}
