package io.ferry.drivers.opcua;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * Resolves the plan's node ids against the server's namespace table. Done again whenever Milo
 * activates a new session (the server may have restarted with another table).
 */
final class NodeResolver {
  private NodeResolver() {}

  /** Resolves each plan's node id; unresolvable ones (unknown namespace URI) are reported and left out. */
  static Map<NodePlan, NodeId> resolve(OpcUaClient client, List<NodePlan> nodes, NodeReporter reporter) {
    NamespaceTable table;
    try {
      table = client.readNamespaceTable();
    } catch (Exception e) {
      table = client.getNamespaceTable();
    }
    Map<NodePlan, NodeId> out = new HashMap<>();
    for (NodePlan n : nodes) {
      Optional<NodeId> id = n.nodeId().toNodeId(table);
      if (id.isPresent()) {
        out.put(n, id.get());
      } else {
        reporter.unusable(n, "the server does not know the namespace of " + n.node());
      }
    }
    return out;
  }
}
