package io.ferry.drivers.modbus.transport;

import com.digitalpetri.modbus.client.ModbusClient;
import com.digitalpetri.modbus.client.ModbusRtuClient;
import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusExecutionException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.ModbusTimeoutException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadCoilsResponse;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsResponse;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.serial.client.SerialPortClientTransport;
import com.digitalpetri.modbus.tcp.client.NettyRtuClientTransport;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import com.digitalpetri.modbus.pdu.WriteMultipleCoilsRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.WriteFrame;
import io.ferry.drivers.serial.SerialSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The digitalpetri Modbus client behind a {@link ModbusLink}: TCP, RTU on a serial port, RTU over TCP. */
public final class DigitalPetriLink implements ModbusLink {
  private final ModbusTransport transport;
  private final Duration timeout;
  private ModbusClient client;
  private Runnable resetFraming = () -> {};

  public DigitalPetriLink(ModbusTransport transport, Duration timeout) {
    this.transport = transport;
    this.timeout = timeout;
  }

  @Override
  public boolean isConnected() {
    return client != null && client.isConnected();
  }

  @Override
  public void connect() throws Exception {
    disconnect();
    ModbusClient c;
    if (transport instanceof ModbusTransport.Tcp t) {
      c = ModbusTcpClient.create(
          NettyTcpClientTransport.create(b -> b.setHostname(t.host()).setPort(t.port()).setConnectTimeout(timeout)
              .setConnectPersistent(false)),
          b -> b.setRequestTimeout(timeout));
      // after a timeout the byte stream may hold half a frame or garbage: only a new connection is clean again
      resetFraming = this::disconnect;
    } else if (transport instanceof ModbusTransport.RtuOverTcp t) {
      NettyRtuClientTransport rt = NettyRtuClientTransport.create(b -> b.setHostname(t.host()).setPort(t.port())
          .setConnectTimeout(timeout).setConnectPersistent(false));
      c = ModbusRtuClient.create(rt, b -> b.setRequestTimeout(timeout));
      resetFraming = rt::resetFrameParser;
    } else {
      ModbusTransport.Rtu t = (ModbusTransport.Rtu) transport;
      SerialSettings s = t.serial();
      String device = resolve(s.device());
      SerialPortClientTransport st = SerialPortClientTransport.create(b -> b.setSerialPort(device).setBaudRate(s.baud())
          .setDataBits(s.dataBits()).setParity(s.parity().jSerialComm()).setStopBits(s.jSerialCommStopBits()));
      c = ModbusRtuClient.create(st, b -> b.setRequestTimeout(timeout));
      resetFraming = st::resetFrameParser;
    }
    try {
      c.connect();
    } catch (ModbusExecutionException e) {
      try {
        c.disconnect();
      } catch (Exception ignored) {
        // already failed; nothing more to release
      }
      throw new IOException("cannot connect to " + transport.describe() + ": " + rootMessage(e), e);
    }
    client = c;
  }

  private static String resolve(String device) {
    try {
      return Path.of(device).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return device;
    }
  }

  @Override
  public ReadResult read(int unit, ReadRequest r, Duration wait) {
    if (client == null) {
      return new ReadResult.LinkDown("not connected");
    }
    CompletableFuture<byte[]> f = switch (r.table()) {
      case COIL -> client.readCoilsAsync(unit, new ReadCoilsRequest(r.start(), r.count()))
          .thenApply(ReadCoilsResponse::coils).toCompletableFuture();
      case DISCRETE -> client.readDiscreteInputsAsync(unit, new ReadDiscreteInputsRequest(r.start(), r.count()))
          .thenApply(ReadDiscreteInputsResponse::inputs).toCompletableFuture();
      case INPUT -> client.readInputRegistersAsync(unit, new ReadInputRegistersRequest(r.start(), r.count()))
          .thenApply(ReadInputRegistersResponse::registers).toCompletableFuture();
      case HOLDING -> client.readHoldingRegistersAsync(unit, new ReadHoldingRegistersRequest(r.start(), r.count()))
          .thenApply(ReadHoldingRegistersResponse::registers).toCompletableFuture();
    };
    try {
      // the client times out by itself; the extra second only guards against a lost completion
      byte[] bytes = f.get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
      int expected = r.table().isBits() ? (r.count() + 7) / 8 : r.count() * 2;
      if (bytes == null || bytes.length < expected) {
        return new ReadResult.Timeout("short answer: " + (bytes == null ? 0 : bytes.length) + " of " + expected + " bytes");
      }
      return new ReadResult.Data(bytes);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof ModbusResponseException re) {
        return new ReadResult.DeviceException(re.getExceptionCode());
      }
      if (isTimeout(cause)) {
        resetFraming.run();
        return new ReadResult.Timeout("no answer within " + wait.toMillis() + "ms");
      }
      return new ReadResult.LinkDown(rootMessage(cause));
    } catch (TimeoutException e) {
      f.cancel(false);
      resetFraming.run();
      return new ReadResult.Timeout("no answer within " + wait.toMillis() + "ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      return new ReadResult.Timeout("interrupted");
    }
  }

  @Override
  public WriteResult write(int unit, WriteFrame w, Duration wait) {
    if (client == null) {
      return new WriteResult.LinkDown("not connected");
    }
    CompletableFuture<?> f = switch (w.functionCode()) {
      case 5 -> client.writeSingleCoilAsync(unit, new WriteSingleCoilRequest(w.address(), w.data()[0] != 0)).toCompletableFuture();
      case 6 -> client.writeSingleRegisterAsync(unit, new WriteSingleRegisterRequest(w.address(), w.register())).toCompletableFuture();
      case 15 -> client.writeMultipleCoilsAsync(unit, new WriteMultipleCoilsRequest(w.address(), w.count(), w.data())).toCompletableFuture();
      default -> client.writeMultipleRegistersAsync(unit, new WriteMultipleRegistersRequest(w.address(), w.count(), w.data()))
          .toCompletableFuture();
    };
    try {
      f.get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return new WriteResult.Acked();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof ModbusResponseException re) {
        return new WriteResult.DeviceException(re.getExceptionCode());
      }
      if (isTimeout(cause)) {
        resetFraming.run();
        return new WriteResult.Timeout("no answer within " + wait.toMillis() + "ms");
      }
      // the request was handed to the connection: it may have reached the device before the link broke
      return new WriteResult.Lost(rootMessage(cause));
    } catch (TimeoutException e) {
      f.cancel(false);
      resetFraming.run();
      return new WriteResult.Timeout("no answer within " + wait.toMillis() + "ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      return new WriteResult.Timeout("interrupted while waiting for the answer");
    }
  }

  @Override
  public void disconnect() {
    ModbusClient c = client;
    client = null;
    if (c != null) {
      try {
        c.disconnectAsync().toCompletableFuture().get(2, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // closing a broken connection may fail; it is released either way
      }
    }
  }

  private static boolean isTimeout(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ModbusTimeoutException || c instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  public static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return io.ferry.config.IoCauses.describe(r); // in words: "connection refused", never a class name
  }
}
