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
  /**
   * The answers do not come from the API (wrong url or path, a redirect, a proxy's page): nothing
   * is sent or dead-lettered, buffering continues, the call is tried again every {@code configRetry}.
   */
  PAUSED_CONFIG,
  STOPPED
}
