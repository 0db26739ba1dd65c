package io.ferry.drivers.opcua;

import io.ferry.core.LogGate;
import io.ferry.drivers.spi.DriverMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers nodes that cannot be used and logs each (node, reason) once, so an unknown node id
 * gives one warning, not one per poll. Nodes are retried after a reconnect (the server may have
 * been reconfigured); the warning is not repeated unless the reason changes.
 */
final class NodeReporter {
  private static final Logger LOG = LoggerFactory.getLogger(NodeReporter.class);

  private final String instrument;
  private final DriverMetrics metrics;
  private final LogGate reported = LogGate.onChange();
  private final Set<String> skipped = ConcurrentHashMap.newKeySet();
  /** A misconfigured file with thousands of bad nodes must not flood the journal. */
  private static final int MAX_WARNINGS = 20;
  private final java.util.concurrent.atomic.AtomicInteger warned = new java.util.concurrent.atomic.AtomicInteger();

  NodeReporter(String instrument, DriverMetrics metrics) {
    this.instrument = instrument;
    this.metrics = metrics;
  }

  void unusable(NodePlan node, String reason) {
    skipped.add(node.channel().channel());
    if (reported.admit(node.channel().channel(), reason).isPresent()) {
      metrics.increment("unusableNodes");
      if (warned.incrementAndGet() <= MAX_WARNINGS) {
        LOG.warn("{}: channel {} (node {}) skipped: {}; the other channels go on", instrument, node.channel().channel(), node.node(), reason);
      } else {
        if (warned.get() == MAX_WARNINGS + 1) {
          LOG.warn("{}: more channels skipped; further ones are logged at debug level (metric unusableNodes counts them)", instrument);
        }
        LOG.debug("{}: channel {} (node {}) skipped: {}", instrument, node.channel().channel(), node.node(), reason);
      }
    }
  }

  boolean skipped(NodePlan node) {
    return skipped.contains(node.channel().channel());
  }

  /** After a reconnect: try every node again. */
  void retryAll() {
    skipped.clear();
  }

  /** Channels currently skipped (for tests and health). */
  Set<String> skippedChannels() {
    return Set.copyOf(skipped);
  }
}
