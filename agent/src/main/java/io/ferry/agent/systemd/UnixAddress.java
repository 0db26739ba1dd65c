package io.ferry.agent.systemd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} for a path from {@code $NOTIFY_SOCKET}: a file path, or an
 * abstract name written {@code @name} (the {@code @} becomes the leading NUL byte, as systemd
 * documents). Pure.
 *
 * @param bytes the structure, {@code length} bytes of it meaningful
 * @param length what to pass as {@code addrlen}
 */
record UnixAddress(byte[] bytes, int length) {
  private static final int FAMILY = 2;
  private static final int MAX_PATH = LibC.SOCKADDR_UN_SIZE - FAMILY;

  static UnixAddress of(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("the socket path is empty");
    }
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    boolean abstractName = name[0] == '@';
    if (abstractName) {
      name[0] = 0;
    } else if (name[0] != '/') {
      throw new IllegalArgumentException("the socket path " + path + " is neither absolute nor abstract (@name)");
    }
    // A file path carries its terminating NUL; an abstract name is exactly its bytes.
    int pathLength = abstractName ? name.length : name.length + 1;
    if (pathLength > MAX_PATH) {
      throw new IllegalArgumentException("the socket path " + path + " is longer than " + MAX_PATH + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(LibC.SOCKADDR_UN_SIZE).order(ByteOrder.nativeOrder());
    b.putShort((short) LibC.AF_UNIX);
    b.put(name);
    return new UnixAddress(b.array(), FAMILY + pathLength);
  }
}
