package io.ferry.uplink.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.SocketFactory;

/** Plain sockets the test can close under the client, as if the process or the link died. */
public final class CuttableSockets extends SocketFactory {
  private final List<Socket> made = Collections.synchronizedList(new ArrayList<>());

  public void cutAll() throws IOException {
    synchronized (made) {
      for (Socket s : made) {
        s.close();
      }
    }
  }

  private Socket track(Socket s) {
    made.add(s);
    return s;
  }

  @Override
  public Socket createSocket() {
    return track(new Socket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return track(new Socket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return track(new Socket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return track(new Socket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return track(new Socket(address, port, localAddress, localPort));
  }
}
