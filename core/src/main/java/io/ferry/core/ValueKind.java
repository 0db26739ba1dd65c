package io.ferry.core;

/** What a channel's numbers mean, which decides what the buffer derives from them. */
public enum ValueKind {
  /** A level read at a moment (temperature, pressure): raw samples and rollups. */
  GAUGE,
  /** A cumulative device counter (energy register): the buffer turns reads into deltas. */
  COUNTER,
  /** Each sample is an increment in itself (an edge, a message count): summed per bucket. */
  EVENT
}
