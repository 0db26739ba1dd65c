package io.ferry.buffer;

/** SQLite {@code PRAGMA synchronous} in WAL mode, i.e. the power-cut loss window. */
public enum Synchronous {
  /** fsync at every commit: nothing acknowledged to a driver is lost on power cut. */
  FULL,
  /** fsync at checkpoints only: a power cut can lose the commits since the last checkpoint. */
  NORMAL
}
