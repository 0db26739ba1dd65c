package io.ferry.drivers.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback TCP proxy in front of a test server that a test can cut (every connection closed,
 * the port refusing until {@link #start()}), or switch to answering every request with garbage.
 */
public final class TcpProxy implements AutoCloseable {
  private final int target;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;
  /** When set, requests are not forwarded; these bytes are answered instead. */
  public volatile byte[] garbage;
  /** When set, new connections are accepted but not forwarded until it opens: a server slow to answer a connect. */
  public volatile CountDownLatch hold;

  public TcpProxy(int target) throws IOException {
    this.target = target;
    this.port = TestModbusServer.freePort();
    start();
  }

  public int port() {
    return port;
  }

  public synchronized void start() throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listener = ss;
    Thread t = new Thread(() -> accept(ss), "test-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  /** Closes the port and every connection: a cable pulled mid-poll. */
  public synchronized void cut() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
  }

  private void accept(ServerSocket ss) {
    while (!ss.isClosed()) {
      try {
        Socket client = ss.accept();
        CountDownLatch gate = hold;
        if (gate != null) {
          gate.await();
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean request) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          byte[] g = garbage;
          if (request && g != null) {
            from.getOutputStream().write(g);
            from.getOutputStream().flush();
            continue;
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // a closed socket ends the pump
      } finally {
        try {
          to.close();
          from.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "test-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
