package io.ferry.drivers.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A SCPI-like instrument: answers commands (terminated by LF, CR stripped) from a table, over
 * TCP (a serial device server) or on one end of a pty. Unknown commands get no answer (the
 * way real instruments time out). Tests can also push raw bytes (streaming, garbage).
 */
final class SimInstrument implements AutoCloseable {
  /** Command to reply (bytes sent as is: include the terminator, or leave it out for a cut reply). */
  final Map<String, Supplier<String>> replies = new ConcurrentHashMap<>();
  final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Socket> clients = new CopyOnWriteArrayList<>();
  private ServerSocket server;
  private volatile OutputStream out;
  private volatile boolean closed;

  static SimInstrument tcp() throws IOException {
    SimInstrument s = new SimInstrument();
    s.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!s.closed) {
        try {
          Socket c = s.server.accept();
          s.clients.add(c);
          s.out = c.getOutputStream();
          s.serve(c.getInputStream(), c.getOutputStream());
        } catch (IOException e) {
          // next client, or closed
        }
      }
    }, "sim-instrument-tcp");
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** On a pty device: the test's side of the serial line. */
  static SimInstrument pty(String device) throws IOException {
    SimInstrument s = new SimInstrument();
    InputStream in = new java.io.FileInputStream(device);
    OutputStream o = new java.io.FileOutputStream(device);
    s.out = o;
    Thread t = new Thread(() -> {
      try {
        s.serve(in, o);
      } catch (IOException e) {
        // closed
      }
    }, "sim-instrument-pty");
    t.setDaemon(true);
    t.start();
    s.ptyStreams = new java.io.Closeable[] {in, o};
    return s;
  }

  private java.io.Closeable[] ptyStreams = new java.io.Closeable[0];

  int port() {
    return server.getLocalPort();
  }

  private void serve(InputStream in, OutputStream o) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String cmd = line.toString().replace("\r", "");
        line.setLength(0);
        received.add(cmd);
        Supplier<String> r = replies.get(cmd);
        if (r != null) {
          synchronized (this) {
            o.write(r.get().getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
          }
        }
      } else {
        line.append((char) b);
      }
    }
  }

  /** Prints bytes by itself (streaming instruments, noise). */
  synchronized void print(String text) throws IOException {
    OutputStream o = out;
    if (o == null) {
      throw new IOException("no client connected yet");
    }
    o.write(text.getBytes(StandardCharsets.ISO_8859_1));
    o.flush();
  }

  boolean connected() {
    return out != null;
  }

  /** Drops the current TCP client (a device server rebooting). */
  void dropClients() throws IOException {
    out = null;
    for (Socket c : clients) {
      c.close();
    }
    clients.clear();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (server != null) {
      server.close();
    }
    dropClients();
    for (java.io.Closeable c : ptyStreams) {
      c.close();
    }
  }
}
