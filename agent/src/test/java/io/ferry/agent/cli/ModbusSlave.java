package io.ferry.agent.cli;

import com.digitalpetri.modbus.exceptions.ModbusResponseException;
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
import java.util.concurrent.CountDownLatch;

/**
 * A Modbus TCP slave on loopback (the digitalpetri server) with 16 holding registers that records
 * every function 16 write as {@code address: data bytes in hex}, for the agent's end-to-end write tests;
 * it can hold its answer to writes ({@link #holdWrites}) and fail every read ({@link #failing}).
 */
public final class ModbusSlave implements AutoCloseable {
  public final short[] holding = new short[16];
  public final List<String> writes = new CopyOnWriteArrayList<>();
  /** When set, a function 16 write is recorded and then not answered until the latch opens: a slave slow to answer. */
  public volatile CountDownLatch holdWrites;
  /** While set, every read is answered with exception 4 (slave device failure): a device that is down. */
  public volatile boolean failing;
  private final ModbusTcpServer server;
  private final int port;

  private ModbusSlave(int port) {
    this.port = port;
    this.server = ModbusTcpServer.create(NettyTcpServerTransport.create(b -> b.setBindAddress("127.0.0.1").setPort(port)), new ModbusServices() {
      @Override
      public ReadHoldingRegistersResponse readHoldingRegisters(ModbusRequestContext c, int unit, ReadHoldingRegistersRequest r)
          throws ModbusResponseException {
        if (failing) {
          throw new ModbusResponseException(3, 4);
        }
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
        CountDownLatch hold = holdWrites;
        if (hold != null) {
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
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
