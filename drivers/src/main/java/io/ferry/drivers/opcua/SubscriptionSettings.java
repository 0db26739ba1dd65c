package io.ferry.drivers.opcua;

import java.time.Duration;

/**
 * Subscription parameters (subscribe mode).
 *
 * @param publishingInterval how often the server sends notifications
 * @param keepAliveCount publishing intervals without data after which the server sends a keep-alive
 * @param staleIntervals publishing intervals without data and without keep-alive after which the
 *     subscription is declared dead and recreated; always more than {@code keepAliveCount}
 * @param monitoredItemsPerCall monitored items per CreateMonitoredItems request (large requests
 *     time out or exceed message size limits on some servers)
 */
public record SubscriptionSettings(Duration publishingInterval, int keepAliveCount, int staleIntervals, int monitoredItemsPerCall) {
  public Duration staleAfter() {
    return publishingInterval.multipliedBy(staleIntervals);
  }
}
