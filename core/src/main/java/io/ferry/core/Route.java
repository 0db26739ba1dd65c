package io.ferry.core;

/** What an uplink receives of a channel. */
public enum Route {
  /**
   * Raw samples: every one, or, for a channel with a {@link ReportSpec}, those its filter reports
   * (every one again for the uplinks in {@link ChannelSpec#unfiltered()}, {@code raw-all} in YAML).
   */
  RAW,
  /** Closed interval rollups (needs a {@link RollupSpec}). */
  ROLLUP,
  /** Counter or event increments per bucket (needs a {@link CounterSpec}). */
  INCREMENT
}
