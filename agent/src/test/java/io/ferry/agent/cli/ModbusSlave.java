package io.ferry.agent.cli;

import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersResponse;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Modbus TCP slave on loopback (the digitalpetri server) with 16 holding registers that records
 * every function 16 write as {@code address: data bytes in hex}, for the agent's end-to-end write tests.
 */
public final class ModbusSlave implements AutoCloseable {
  public final short[] holding = new short[16];
  public final List<String> writes = new CopyOnWriteArrayList<>();
  private final ModbusTcpServer server;
  private final int port;

  private ModbusSlave(int port) {
    this.port = port;
    this.server = ModbusTcpServer.create(NettyTcpServerTransport.create(b -> b.setBindAddress("127.0.0.1").setPort(port)), new ModbusServices() {
      @Override
      public ReadHoldingRegistersResponse readHoldingRegisters(ModbusRequestContext c, int unit, ReadHoldingRegistersRequest r) {
        byte[] b = new byte[r.quantity() * 2];
        for (int i = 0; i < r.quantity(); i++) {
          b[2 * i] = (byte) (holding[r.address() + i] >> 8);
          b[2 * i + 1] = (byte) holding[r.address() + i];
        }
        return new ReadHoldingRegistersResponse(b);
      }

      @Override
      public WriteMultipleRegistersResponse writeMultipleRegisters(ModbusRequestContext c, int unit, WriteMultipleRegistersRequest r) {
        writes.add(r.address() + ": " + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(r.values()));
        for (int i = 0; i < r.quantity(); i++) {
          holding[r.address() + i] = (short) (((r.values()[2 * i] & 0xFF) << 8) | (r.values()[2 * i + 1] & 0xFF));
        }
        return new WriteMultipleRegistersResponse(r.address(), r.quantity());
      }
    });
  }

  public static ModbusSlave start() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }
    ModbusSlave s = new ModbusSlave(port);
    s.server.start();
    return s;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
