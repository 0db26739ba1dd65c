package io.ferry.drivers.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;

/** An open byte connection to an instrument. {@link #read} waits at most a short slice so callers can keep deadlines. */
interface ByteLink extends AutoCloseable {
  /** Reads what is available, waiting at most about 100 ms; 0 when nothing came. Throws when the link is gone. */
  int read(byte[] buf) throws IOException;

  void write(byte[] bytes) throws IOException;

  @Override
  void close();

  int SLICE_MS = 100;

  static ByteLink open(SerialEndpoint endpoint, Duration connectTimeout) throws IOException {
    if (endpoint instanceof SerialEndpoint.Tcp t) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(t.host(), t.port()), (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        s.setSoTimeout(SLICE_MS);
        s.setTcpNoDelay(true);
      } catch (IOException e) {
        s.close();
        throw new IOException("cannot connect to " + t.host() + ":" + t.port() + ": " + e.getMessage(), e);
      }
      return new SocketLink(s);
    }
    SerialSettings st = ((SerialEndpoint.Port) endpoint).settings();
    String device;
    try {
      device = Path.of(st.device()).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      throw new IOException("serial port " + st.device() + " does not exist", e);
    }
    SerialPort port = SerialPort.getCommPort(device);
    port.setComPortParameters(st.baud(), st.dataBits(), st.jSerialCommStopBits(), st.parity().jSerialComm());
    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, SLICE_MS, 0);
    if (!port.openPort()) {
      throw new IOException("cannot open serial port " + st.device() + " (error " + port.getLastErrorCode()
          + "; is it in use, or is the user missing from the dialout group?)");
    }
    return new PortLink(port, st.device());
  }

  final class SocketLink implements ByteLink {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    SocketLink(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    @Override
    public int read(byte[] buf) throws IOException {
      try {
        int n = in.read(buf);
        if (n < 0) {
          throw new IOException("connection closed by the device server");
        }
        return n;
      } catch (SocketTimeoutException e) {
        return 0;
      }
    }

    @Override
    public void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a broken socket
      }
    }
  }

  final class PortLink implements ByteLink {
    private final SerialPort port;
    /** The path as configured (a udev link such as /dev/serial/by-id/...), named in errors. */
    private final String device;

    PortLink(SerialPort port, String device) {
      this.port = port;
      this.device = device;
    }

    @Override
    public int read(byte[] buf) throws IOException {
      int n = port.readBytes(buf, buf.length);
      if (n < 0) {
        throw failure("reading");
      }
      return n;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
      int n = port.writeBytes(bytes, bytes.length);
      if (n != bytes.length) {
        throw failure("writing");
      }
    }

    /** An unplugged adapter (or a pty whose other end closed) takes its device file with it: say so. */
    private IOException failure(String doing) {
      if (!java.nio.file.Files.exists(Path.of(device))) {
        return new IOException("serial port " + device + " is gone (unplugged or removed)");
      }
      return new IOException("serial port " + device + " failed while " + doing + " (error " + port.getLastErrorCode() + ")");
    }

    @Override
    public void close() {
      port.closePort();
    }
  }
}
