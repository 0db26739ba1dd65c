package io.ferry.core;

/** What an uplink receives of a channel. */
public enum Route {
  /** Every raw sample. */
  RAW,
  /** Closed interval rollups (needs a {@link RollupSpec}). */
  ROLLUP,
  /** Counter or event increments per bucket (needs a {@link CounterSpec}). */
  INCREMENT
}
