package io.ferry.drivers.testsupport;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.FunctionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadCoilsResponse;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsResponse;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleCoilsRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleCoilsResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilResponse;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterResponse;
import com.digitalpetri.modbus.serial.server.SerialPortServerTransport;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusRtuServer;
import com.digitalpetri.modbus.server.ModbusServer;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyRtuServerTransport;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The digitalpetri Modbus server with a register map per unit and switches for faults: units
 * that never answer, addresses that answer exception 2, a forced exception code. Every read is
 * logged as {@code unit table start count}, every write (functions 5, 6, 15, 16, applied to the
 * map) as its request PDU in hex.
 */
public final class TestModbusServer implements AutoCloseable {
  private final Map<Integer, short[]> holding = new ConcurrentHashMap<>();
  private final Map<Integer, short[]> input = new ConcurrentHashMap<>();
  private final Map<Integer, boolean[]> coils = new ConcurrentHashMap<>();
  private final Map<Integer, boolean[]> discrete = new ConcurrentHashMap<>();
  public final Set<Integer> deadUnits = ConcurrentHashMap.newKeySet();
  public final Set<Integer> rejectedHolding = ConcurrentHashMap.newKeySet();
  public volatile int forcedException;
  /** Holding addresses whose writes are acknowledged but not stored (a device that clamps or ignores silently). */
  public final Set<Integer> ignoredWrites = ConcurrentHashMap.newKeySet();
  public final List<String> reads = new CopyOnWriteArrayList<>();
  /**
   * Every write request as {@code unit: PDU} in hex, rebuilt from the fields the server parsed off
   * the wire (function code, address, quantity, byte count, data), e.g. {@code 1: 10 00 0A 00 02 04 42 2A 00 00}.
   */
  public final List<String> writes = new CopyOnWriteArrayList<>();
  /** Every request, reads and writes, in the order the server handled them ({@code R unit table start count} / {@code W unit PDU}). */
  public final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<Integer, AtomicInteger> perUnit = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** The most requests the server ever handled at the same moment (1 when the client serializes). */
  public final AtomicInteger maxConcurrent = new AtomicInteger();
  private ModbusServer server;
  private int port;

  public void holding(int unit, int address, int... values) {
    short[] regs = holding.computeIfAbsent(unit, u -> new short[65536]);
    for (int i = 0; i < values.length; i++) {
      regs[address + i] = (short) values[i];
    }
  }

  /** Writes raw bytes (two per register) into holding registers. */
  public void holdingBytes(int unit, int address, byte[] bytes) {
    short[] regs = holding.computeIfAbsent(unit, u -> new short[65536]);
    for (int i = 0; i < bytes.length / 2; i++) {
      regs[address + i] = (short) (((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF));
    }
  }

  public void input(int unit, int address, int... values) {
    short[] regs = input.computeIfAbsent(unit, u -> new short[65536]);
    for (int i = 0; i < values.length; i++) {
      regs[address + i] = (short) values[i];
    }
  }

  public void coil(int unit, int address, boolean value) {
    coils.computeIfAbsent(unit, u -> new boolean[65536])[address] = value;
  }

  public void discrete(int unit, int address, boolean value) {
    discrete.computeIfAbsent(unit, u -> new boolean[65536])[address] = value;
  }

  public int readsOf(int unit) {
    AtomicInteger n = perUnit.get(unit);
    return n == null ? 0 : n.get();
  }

  public int port() {
    return port;
  }

  /** Modbus TCP on 127.0.0.1. */
  public static TestModbusServer tcp() throws Exception {
    TestModbusServer s = new TestModbusServer();
    s.startTcp(freePort(), false);
    return s;
  }

  /** RTU framing over TCP on 127.0.0.1 (a serial device server). */
  public static TestModbusServer rtuOverTcp() throws Exception {
    TestModbusServer s = new TestModbusServer();
    s.startTcp(freePort(), true);
    return s;
  }

  /** RTU on a serial port (one end of a socat pty pair). */
  public static TestModbusServer rtu(String device, int baud) throws Exception {
    TestModbusServer s = new TestModbusServer();
    var transport = SerialPortServerTransport.create(b -> b.setSerialPort(device).setBaudRate(baud));
    s.server = ModbusRtuServer.create(transport, s.services());
    s.server.start();
    return s;
  }

  /** Starts again on the same port (after {@link #stop()}), for reconnect tests. */
  public void restart(boolean rtuFraming) throws Exception {
    startTcp(port, rtuFraming);
  }

  private void startTcp(int p, boolean rtuFraming) throws Exception {
    this.port = p;
    if (rtuFraming) {
      server = ModbusRtuServer.create(NettyRtuServerTransport.create(b -> b.setBindAddress("127.0.0.1").setPort(p)), services());
    } else {
      server = ModbusTcpServer.create(NettyTcpServerTransport.create(b -> b.setBindAddress("127.0.0.1").setPort(p)), services());
    }
    server.start();
  }

  public void stop() throws Exception {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the test server", e);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return ss.getLocalPort();
    }
  }

  private void checkWrite(int unit, FunctionCode fc, String table, int start, int count, byte[] pdu)
      throws ModbusResponseException, UnknownUnitIdException {
    String hex = java.util.HexFormat.ofDelimiter(" ").withUpperCase().formatHex(pdu);
    writes.add(unit + ": " + hex);
    requests.add("W " + unit + ": " + hex);
    int now = inFlight.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    try {
      Thread.onSpinWait();
      checkFaults(unit, fc, table, start, count);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static byte[] pdu(int fc, int address, int second, byte[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(5 + (values == null ? 0 : 1 + values.length));
    b.put((byte) fc).putShort((short) address).putShort((short) second);
    if (values != null) {
      b.put((byte) values.length).put(values);
    }
    return b.array();
  }

  private void check(int unit, FunctionCode fc, String table, int start, int count) throws ModbusResponseException, UnknownUnitIdException {
    reads.add(unit + " " + table + " " + start + " " + count);
    requests.add("R " + unit + " " + table + " " + start + " " + count);
    int now = inFlight.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    try {
      // widen the window in which an overlapping request would be seen
      Thread.onSpinWait();
      checkFaults(unit, fc, table, start, count);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void checkFaults(int unit, FunctionCode fc, String table, int start, int count)
      throws ModbusResponseException, UnknownUnitIdException {
    perUnit.computeIfAbsent(unit, u -> new AtomicInteger()).incrementAndGet();
    if (deadUnits.contains(unit)) {
      throw new UnknownUnitIdException(unit);
    }
    if (forcedException != 0) {
      throw new ModbusResponseException(fc.getCode(), forcedException);
    }
    if (table.equals("holding")) {
      for (int a = start; a < start + count; a++) {
        if (rejectedHolding.contains(a)) {
          throw new ModbusResponseException(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }
      }
    }
  }

  private static byte[] registers(short[] regs, int start, int count) {
    byte[] out = new byte[count * 2];
    for (int i = 0; i < count; i++) {
      short v = regs == null ? 0 : regs[start + i];
      out[2 * i] = (byte) (v >> 8);
      out[2 * i + 1] = (byte) v;
    }
    return out;
  }

  private static byte[] bits(boolean[] bits, int start, int count) {
    byte[] out = new byte[(count + 7) / 8];
    for (int i = 0; i < count; i++) {
      if (bits != null && bits[start + i]) {
        out[i / 8] |= (byte) (1 << (i % 8));
      }
    }
    return out;
  }

  private ModbusServices services() {
    return new ModbusServices() {
      @Override
      public ReadHoldingRegistersResponse readHoldingRegisters(ModbusRequestContext ctx, int unit, ReadHoldingRegistersRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        check(unit, FunctionCode.READ_HOLDING_REGISTERS, "holding", r.address(), r.quantity());
        return new ReadHoldingRegistersResponse(registers(holding.get(unit), r.address(), r.quantity()));
      }

      @Override
      public ReadInputRegistersResponse readInputRegisters(ModbusRequestContext ctx, int unit, ReadInputRegistersRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        check(unit, FunctionCode.READ_INPUT_REGISTERS, "input", r.address(), r.quantity());
        return new ReadInputRegistersResponse(registers(input.get(unit), r.address(), r.quantity()));
      }

      @Override
      public ReadCoilsResponse readCoils(ModbusRequestContext ctx, int unit, ReadCoilsRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        check(unit, FunctionCode.READ_COILS, "coil", r.address(), r.quantity());
        return new ReadCoilsResponse(bits(coils.get(unit), r.address(), r.quantity()));
      }

      @Override
      public WriteSingleRegisterResponse writeSingleRegister(ModbusRequestContext ctx, int unit, WriteSingleRegisterRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        checkWrite(unit, FunctionCode.WRITE_SINGLE_REGISTER, "holding", r.address(), 1, pdu(6, r.address(), r.value(), null));
        if (!ignoredWrites.contains(r.address())) {
          holding(unit, r.address(), r.value());
        }
        return new WriteSingleRegisterResponse(r.address(), r.value());
      }

      @Override
      public WriteMultipleRegistersResponse writeMultipleRegisters(ModbusRequestContext ctx, int unit, WriteMultipleRegistersRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        checkWrite(unit, FunctionCode.WRITE_MULTIPLE_REGISTERS, "holding", r.address(), r.quantity(),
            pdu(16, r.address(), r.quantity(), r.values()));
        holdingBytes(unit, r.address(), r.values());
        return new WriteMultipleRegistersResponse(r.address(), r.quantity());
      }

      @Override
      public WriteSingleCoilResponse writeSingleCoil(ModbusRequestContext ctx, int unit, WriteSingleCoilRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        checkWrite(unit, FunctionCode.WRITE_SINGLE_COIL, "coil", r.address(), 1, pdu(5, r.address(), r.value(), null));
        coil(unit, r.address(), r.value() != 0);
        return new WriteSingleCoilResponse(r.address(), r.value());
      }

      @Override
      public WriteMultipleCoilsResponse writeMultipleCoils(ModbusRequestContext ctx, int unit, WriteMultipleCoilsRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        checkWrite(unit, FunctionCode.WRITE_MULTIPLE_COILS, "coil", r.address(), r.quantity(),
            pdu(15, r.address(), r.quantity(), r.values()));
        for (int i = 0; i < r.quantity(); i++) {
          coil(unit, r.address() + i, (r.values()[i / 8] >> (i % 8) & 1) == 1);
        }
        return new WriteMultipleCoilsResponse(r.address(), r.quantity());
      }

      @Override
      public ReadDiscreteInputsResponse readDiscreteInputs(ModbusRequestContext ctx, int unit, ReadDiscreteInputsRequest r)
          throws ModbusResponseException, UnknownUnitIdException {
        check(unit, FunctionCode.READ_DISCRETE_INPUTS, "discrete", r.address(), r.quantity());
        return new ReadDiscreteInputsResponse(bits(discrete.get(unit), r.address(), r.quantity()));
      }
    };
  }
}
