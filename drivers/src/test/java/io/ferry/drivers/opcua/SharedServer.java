package io.ferry.drivers.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * One server for every test class that does not stop it: starting Milo's server (its whole
 * standard address space) takes seconds on a busy machine. Secure endpoints on, MaxNodesPerRead
 * 100, 1,000 {@code Many/<i>} nodes, and the nodes below. Test classes use distinct node names, so
 * they do not disturb each other. Stopped when the test JVM exits.
 */
final class SharedServer {
  static final Instant UNCERTAIN_SOURCE_TIME = Instant.parse("2026-03-04T05:06:07.123456Z");
  static final Instant VALVE_SOURCE_TIME = Instant.parse("2026-05-06T07:08:09.250Z");

  private static TestOpcUaServer server;

  private SharedServer() {}

  static synchronized TestOpcUaServer get() throws Exception {
    if (server == null) {
      Map<String, Object> nodes = new LinkedHashMap<>();
      // every basic type (poll tests)
      nodes.put("Bool", true);
      nodes.put("SByte", (byte) -5);
      nodes.put("Byte", ubyte(200));
      nodes.put("Int16", (short) -1234);
      nodes.put("UInt16", ushort(60000));
      nodes.put("Int32", -123456);
      nodes.put("UInt32", uint(4_000_000_000L));
      nodes.put("Int64", -9_000_000_000L);
      nodes.put("UInt64", ulong(9_000_000_000L));
      nodes.put("Float", 1.5f);
      nodes.put("Double", 2.25);
      nodes.put("String", "hello");
      nodes.put("DateTime", new DateTime(Instant.parse("2026-01-02T03:04:05Z")));
      nodes.put("Text", LocalizedText.english("warm"));
      nodes.put("Bytes", ByteString.of(new byte[] {1, 2, 3}));
      nodes.put("Guid", UUID.fromString("0b5e4b4e-51a4-4d8a-9d1b-6f3c1c7a2f10"));
      nodes.put("Bad", new DataValue(Variant.NULL_VALUE, new StatusCode(StatusCodes.Bad_SensorFailure), null));
      nodes.put("Uncertain", new DataValue(new Variant(42.0), new StatusCode(StatusCodes.Uncertain_LastUsableValue), new DateTime(UNCERTAIN_SOURCE_TIME)));
      // subscribe tests
      nodes.put("Level", 10.0);
      nodes.put("Flow", 1.0);
      nodes.put("Valve", new DataValue(new Variant(3.0), new StatusCode(StatusCodes.Uncertain_SensorNotAccurate), new DateTime(VALVE_SOURCE_TIME)));
      // security tests
      nodes.put("Pressure", 4.5);
      server = new TestOpcUaServer(new TestOpcUaServer.Options(100, 1000, true), nodes);
      TestOpcUaServer s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          s.close();
        } catch (Exception e) {
          // the JVM is exiting anyway
        }
      }));
    }
    return server;
  }
}
