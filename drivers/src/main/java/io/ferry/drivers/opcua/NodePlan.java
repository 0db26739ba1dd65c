package io.ferry.drivers.opcua;

import io.ferry.core.ChannelId;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;

/**
 * One channel bound to one OPC UA node. The node id is parsed at plan time; a namespace URI
 * ({@code nsu=}) is resolved against the server's namespace table at every (re)connect, so an
 * index that moves after a server upgrade is followed.
 *
 * @param node the node id as written in YAML (for messages)
 * @param samplingInterval monitored-item sampling interval (subscribe mode)
 * @param queueSize monitored-item queue size (subscribe mode)
 */
public record NodePlan(ChannelId channel, String node, ExpandedNodeId nodeId, Duration samplingInterval, int queueSize, Deadband deadband) {
  public NodePlan {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(samplingInterval, "samplingInterval");
    Objects.requireNonNull(deadband, "deadband");
  }
}
