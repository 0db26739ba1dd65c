package io.ferry.uplink.sparkplug;

import java.util.List;

/** One instrument as a Sparkplug device: its id (the topic's last level) and its metrics, in channel order. */
public record DeviceDef(String id, List<MetricDef> metrics) {
  public DeviceDef {
    metrics = List.copyOf(metrics);
  }
}
