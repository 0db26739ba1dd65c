package io.ferry.uplink;

/** What a runner is doing, for logs and health. */
public enum UplinkState {
  /** Not started yet. */
  NEW,
  /** Sending, or waiting for data. */
  RUNNING,
  /** The last call failed; waiting before the next attempt. */
  BACKING_OFF,
  /** The API refused the credentials (401/403): nothing is sent, buffering continues. */
  PAUSED_AUTH,
  STOPPED
}
