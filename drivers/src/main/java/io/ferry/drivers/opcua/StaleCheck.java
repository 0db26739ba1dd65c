package io.ferry.drivers.opcua;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides whether a subscription has gone silent: neither data nor keep-alive for longer than
 * {@code staleAfter} (N publishing intervals). A healthy idle subscription sends a keep-alive
 * every keepAliveCount intervals, and the planner makes N larger than that. Pure.
 */
public final class StaleCheck {
  private StaleCheck() {}

  public static boolean stale(Instant lastActivity, Instant now, Duration staleAfter) {
    return Duration.between(lastActivity, now).compareTo(staleAfter) > 0;
  }
}
