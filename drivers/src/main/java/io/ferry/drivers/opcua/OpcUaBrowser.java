package io.ferry.drivers.opcua;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.Backoff;
import io.ferry.drivers.opcua.security.Identity;
import io.ferry.drivers.opcua.security.SecurityChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * Lists a server's nodes (for {@code ferry browse opcua}): ids, classes, data types and current
 * values of the variables, so that an operator can write the instrument YAML.
 */
public final class OpcUaBrowser implements AutoCloseable {
  /** One node found below the start node. */
  public record Entry(int depth, String nodeId, String browseName, String nodeClass, String dataType, String value, String quality) {}

  private final OpcUaClient client;

  private OpcUaBrowser(OpcUaClient client) {
    this.client = client;
  }

  /** Connects with an instrument's settings (security, identity, trust in {@code stateDir}). */
  public static OpcUaBrowser connect(OpcUaPlan plan, Path stateDir) throws OpcUaConnectException {
    return new OpcUaBrowser(new MiloConnector(plan, stateDir, InstantSource.system()).connect());
  }

  /** Connects anonymously without security (no certificate needed on either side). */
  public static OpcUaBrowser connect(String endpoint, Path stateDir, Duration timeout) throws OpcUaConnectException {
    InstrumentInfo info = new InstrumentInfo("browse", OpcUaDriverFactory.NAME, "(command line)", "", Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(), List.of());
    ConnectionSettings c = new ConnectionSettings(endpoint, SecurityChoice.NONE, new Identity.Anonymous(), true, timeout, Duration.ofMinutes(1),
        Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), 0, Optional.empty());
    OpcUaPlan plan = new OpcUaPlan(info, AcquisitionMode.POLL, c, TimestampSource.SOURCE,
        new SubscriptionSettings(Duration.ofSeconds(1), 10, 33, 1000), List.of());
    return connect(plan, stateDir);
  }

  /** Parses a node id as written in YAML ({@code ns=2;s=Plant}, {@code i=85}, {@code nsu=urn:x;s=Temp}). */
  public NodeId resolve(String text) throws UaException {
    try {
      return org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId.parse(text.trim()).toNodeId(client.readNamespaceTable())
          .orElseThrow(() -> new UaException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_NodeIdUnknown, "unknown namespace in " + text));
    } catch (RuntimeException e) {
      throw new UaException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_NodeIdInvalid, "not a node id: " + text);
    }
  }

  public static NodeId objectsFolder() {
    return NodeIds.ObjectsFolder;
  }

  /** The hierarchical children of {@code start}, down to {@code depth} levels, with values of variables. */
  public List<Entry> browse(NodeId start, int depth) throws UaException {
    List<Entry> out = new ArrayList<>();
    walk(start, 0, depth, out);
    return out;
  }

  private void walk(NodeId node, int level, int depth, List<Entry> out) throws UaException {
    if (level >= depth) {
      return;
    }
    List<ReferenceDescription> refs = children(node);
    List<ReadValueId> reads = new ArrayList<>();
    List<NodeId> ids = new ArrayList<>();
    for (ReferenceDescription r : refs) {
      Optional<NodeId> id = r.getNodeId().toNodeId(client.getNamespaceTable());
      ids.add(id.orElse(null));
      if (id.isPresent() && r.getNodeClass() == NodeClass.Variable) {
        reads.add(new ReadValueId(id.get(), AttributeId.Value.uid(), null, null));
        reads.add(new ReadValueId(id.get(), AttributeId.DataType.uid(), null, null));
      }
    }
    List<DataValue> values = reads.isEmpty() ? List.of() : List.of(client.read(0.0, TimestampsToReturn.Neither, reads).getResults());
    int v = 0;
    for (int i = 0; i < refs.size(); i++) {
      ReferenceDescription r = refs.get(i);
      NodeId id = ids.get(i);
      String value = "";
      String type = "";
      String quality = "";
      if (id != null && r.getNodeClass() == NodeClass.Variable) {
        DataValue dv = values.get(v++);
        DataValue dt = values.get(v++);
        Reading reading = SampleMapper.map(new io.ferry.core.ChannelId("browse", "node"), dv, TimestampSource.AGENT, 0);
        if (reading instanceof Reading.Value rv) {
          value = rv.sample().isText() ? rv.sample().text() : format(rv.sample().value());
          quality = rv.sample().quality().name();
        } else if (reading instanceof Reading.Unusable u) {
          value = "(" + u.reason() + ")";
        }
        type = dataTypeName(dt);
      }
      out.add(new Entry(level, id == null ? r.getNodeId().toParseableString() : id.toParseableString(),
          r.getBrowseName() == null ? "" : r.getBrowseName().getName(), r.getNodeClass().name(), type, value, quality));
      if (id != null && r.getNodeClass() == NodeClass.Object) {
        walk(id, level + 1, depth, out);
      }
    }
  }

  private List<ReferenceDescription> children(NodeId node) throws UaException {
    BrowseDescription bd = new BrowseDescription(node, BrowseDirection.Forward, NodeIds.HierarchicalReferences, true,
        uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()), uint(BrowseResultMask.All.getValue()));
    List<ReferenceDescription> refs = new ArrayList<>();
    BrowseResult result = client.browse(bd);
    while (true) {
      if (result.getReferences() != null) {
        refs.addAll(List.of(result.getReferences()));
      }
      ByteString cp = result.getContinuationPoint();
      if (cp == null || cp.isNullOrEmpty()) {
        return refs;
      }
      result = client.browseNext(false, List.of(cp)).getResults()[0];
    }
  }

  private static String dataTypeName(DataValue dt) {
    Object v = dt.getValue() == null ? null : dt.getValue().getValue();
    if (v instanceof NodeId id) {
      for (org.eclipse.milo.opcua.stack.core.OpcUaDataType t : org.eclipse.milo.opcua.stack.core.OpcUaDataType.values()) {
        if (t.getNodeId().equals(id)) {
          return t.name();
        }
      }
      return id.toParseableString();
    }
    return "";
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  @Override
  public void close() {
    MiloConnector.close(client);
  }
}
