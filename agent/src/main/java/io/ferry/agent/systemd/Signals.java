package io.ferry.agent.systemd;

import com.sun.jna.LastErrorException;

/** Sends a running Ferry a signal (what {@code ferry reload} does). */
public final class Signals {
  private Signals() {}

  /** Sends SIGHUP to {@code pid}; false when no such process exists or it is not ours to signal. */
  public static boolean hangUp(long pid) {
    try {
      LibC.INSTANCE.kill((int) pid, LibC.SIGHUP);
      return true;
    } catch (LastErrorException | LinkageError e) {
      return false;
    }
  }
}
