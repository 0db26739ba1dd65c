package io.ferry.drivers.opcua;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_X509;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigLimits;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * A real Milo OPC UA server on 127.0.0.1 for tests and benchmarks. Its key pair and certificate
 * are made once per JVM, so a restart (same port) presents the same certificate, as a real
 * server restart does. Nodes live in namespace {@link #NAMESPACE} under the folder {@code Plant}:
 * {@code ns=2;s=Plant/<name>}.
 */
public final class TestOpcUaServer implements AutoCloseable {
  public static final String NAMESPACE = "urn:ferry:test";
  public static final String APPLICATION_URI = "urn:ferry:test-server";
  public static final String USER = "operator";
  public static final String PASSWORD = "s3cret-pw";
  /** The common name an X.509 user certificate must carry to be accepted. */
  public static final String X509_USER = "Ferry test user";

  private static KeyPair keyPair;
  private static X509Certificate certificate;

  /** What the server offers; {@code nodes} are created as Double variables with value = index. */
  public record Options(int maxNodesPerRead, int manyNodes, boolean secure) {
    public static Options plain() {
      return new Options(10_000, 0, false);
    }
  }

  private final int port;
  private final Options options;
  private final Map<String, Object> initial;
  /** Null: no history (HistoryRead answers Milo's default, Bad_HistoryOperationUnsupported... per node). */
  private final HistoryStore history;
  private OpcUaServer server;
  private TestNamespace namespace;

  /**
   * @param initial extra Plant nodes: name to initial value (the value's Java type picks the data type)
   */
  public TestOpcUaServer(Options options, Map<String, Object> initial) throws Exception {
    this(options, initial, null);
  }

  /** With {@code history}: its nodes are historizing and HistoryRead (raw) answers from it. */
  public TestOpcUaServer(Options options, Map<String, Object> initial, HistoryStore history) throws Exception {
    this.port = freePort();
    this.options = options;
    this.initial = new LinkedHashMap<>(initial);
    this.history = history;
    start();
  }

  public static synchronized X509Certificate certificate() throws Exception {
    if (certificate == null) {
      keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      certificate = new SelfSignedCertificateBuilder(keyPair)
          .setCommonName("Ferry test server")
          .setApplicationUri(APPLICATION_URI)
          .addDnsName("localhost")
          .addIpAddress("127.0.0.1")
          .build();
    }
    return certificate;
  }

  public String endpoint() {
    return "opc.tcp://127.0.0.1:" + port + "/ferry";
  }

  public int port() {
    return port;
  }

  public synchronized void start() throws Exception {
    X509Certificate cert = certificate();
    var factory = new RsaSha256CertificateFactory() {
      @Override
      protected KeyPair createRsaSha256KeyPair() {
        return keyPair;
      }

      @Override
      protected X509Certificate[] createRsaSha256CertificateChain(KeyPair kp) {
        return new X509Certificate[] {cert};
      }
    };
    var group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(), new MemoryCertificateStore(), factory,
        new CertificateValidator.InsecureCertificateValidator());
    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    EndpointConfig.Builder base = EndpointConfig.newBuilder()
        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
        .setBindAddress("127.0.0.1")
        .setBindPort(port)
        .setHostname("127.0.0.1")
        .setPath("/ferry")
        .setCertificate(cert)
        .addTokenPolicies(USER_TOKEN_POLICY_ANONYMOUS, USER_TOKEN_POLICY_USERNAME, USER_TOKEN_POLICY_X509);
    endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None).build());
    if (options.secure()) {
      for (SecurityPolicy p : List.of(SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss)) {
        endpoints.add(base.copy().setSecurityPolicy(p).setSecurityMode(MessageSecurityMode.Sign).build());
        endpoints.add(base.copy().setSecurityPolicy(p).setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
      }
    }
    int maxRead = options.maxNodesPerRead();
    OpcUaServerConfig config = OpcUaServerConfig.builder()
        .setApplicationUri(APPLICATION_URI)
        .setApplicationName(LocalizedText.english("Ferry test server"))
        .setProductUri("urn:ferry:test")
        .setEndpoints(endpoints)
        .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine(), group))
        .setIdentityValidator(new CompositeValidator(AnonymousIdentityValidator.INSTANCE,
            new UsernameIdentityValidator(a -> USER.equals(a.getUsername()) && PASSWORD.equals(a.getPassword())),
            new X509IdentityValidator(c -> c.getSubjectX500Principal().getName().contains("CN=" + X509_USER))))
        .setLimits(new OpcUaServerConfigLimits() {
          @Override
          public UInteger getMaxNodesPerRead() {
            return uint(maxRead);
          }

          @Override
          public UInteger getMaxNodesPerHistoryReadData() {
            return history == null || history.maxNodesPerCall == 0 ? OpcUaServerConfigLimits.super.getMaxNodesPerHistoryReadData()
                : uint(history.maxNodesPerCall);
          }
        })
        .build();
    server = new OpcUaServer(config, profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    namespace = new TestNamespace(server);
    if (history != null) {
      server.addServiceSet("/ferry", new HistoryServiceSet(server, history));
    }
    namespace.startup();
    server.startup().get(20, TimeUnit.SECONDS);
  }

  public synchronized void stop() throws Exception {
    if (server != null) {
      namespace.shutdown();
      server.shutdown().get(20, TimeUnit.SECONDS);
      server = null;
    }
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  public static String node(String name) {
    return "ns=2;s=Plant/" + name;
  }

  /** Sets a node's value as the device would (source and server time: now). */
  public void set(String name, DataValue value) {
    namespace.variables.get(name).setValue(value);
  }

  public void set(String name, Object value) {
    set(name, new DataValue(new Variant(value)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private final class TestNamespace extends ManagedNamespaceWithLifecycle {
    final Map<String, UaVariableNode> variables = new java.util.concurrent.ConcurrentHashMap<>();
    private final SubscriptionModel subscriptions;

    TestNamespace(OpcUaServer server) {
      super(server, NAMESPACE);
      subscriptions = new SubscriptionModel(server, this);
      getLifecycleManager().addLifecycle(subscriptions);
      getLifecycleManager().addStartupTask(this::createNodes);
    }

    private void createNodes() {
      UaFolderNode plant = new UaFolderNode(getNodeContext(), newNodeId("Plant"), newQualifiedName("Plant"), LocalizedText.english("Plant"));
      getNodeManager().addNode(plant);
      plant.addReference(new org.eclipse.milo.opcua.sdk.core.Reference(plant.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
      for (var e : initial.entrySet()) {
        plant.addOrganizes(variable(e.getKey(), e.getValue(), true));
      }
      plant.addOrganizes(variable("Secret", 1.0, false));
      for (int i = 0; i < options.manyNodes(); i++) {
        plant.addOrganizes(variable("Many/" + i, (double) i, true));
      }
    }

    private UaVariableNode variable(String name, Object value, boolean readable) {
      NodeId type = dataType(value);
      boolean historizing = history != null && history.series.containsKey(name);
      UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
          .setNodeId(newNodeId("Plant/" + name))
          .setBrowseName(newQualifiedName(name))
          .setDisplayName(LocalizedText.english(name))
          .setDataType(type)
          .setTypeDefinition(NodeIds.BaseDataVariableType)
          .setAccessLevel(ubyte(readable ? (historizing ? 7 : 3) : 0))
          .setUserAccessLevel(ubyte(readable ? (historizing ? 7 : 3) : 0))
          .setHistorizing(historizing)
          .setValue(value instanceof DataValue dv ? dv : new DataValue(new Variant(value)))
          .build();
      getNodeManager().addNode(node);
      variables.put(name, node);
      return node;
    }

    private NodeId dataType(Object v) {
      Object x = v instanceof DataValue dv ? dv.getValue().getValue() : v;
      if (x == null) {
        return NodeIds.BaseDataType;
      }
      return new Variant(x).getDataType().map(t -> t.getNodeId()).orElse(NodeIds.BaseDataType);
    }

    /** Raw history from the {@link HistoryStore}: [start, end), numValuesPerNode, continuation points. */
    @Override
    public List<org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult> historyRead(HistoryReadContext context,
        org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadDetails details,
        org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn timestamps,
        List<org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadValueId> ids) {
      List<org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult> out = new java.util.ArrayList<>();
      for (var id : ids) {
        out.add(HistoryServiceSet.read(history, getServer().getStaticEncodingContext(), details, id));
      }
      return out;
    }

    @Override
    public void onDataItemsCreated(List<DataItem> items) {
      subscriptions.onDataItemsCreated(items);
    }

    @Override
    public void onDataItemsModified(List<DataItem> items) {
      subscriptions.onDataItemsModified(items);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> items) {
      subscriptions.onDataItemsDeleted(items);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> items) {
      subscriptions.onMonitoringModeChanged(items);
    }
  }
}
