package io.ferry.agent.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Stands in for systemd: a bound AF_UNIX datagram socket (a file path or an abstract {@code @name})
 * that tests read without blocking, through the same libc binding as {@link NotifySocket}.
 */
public final class UnixDatagramReceiver implements AutoCloseable {
  private static final int EAGAIN = 11;
  private final int fd;
  private final String path;

  public UnixDatagramReceiver(String path) {
    this.path = path;
    UnixAddress a = UnixAddress.of(path);
    fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
    LibC.INSTANCE.bind(fd, a.bytes(), a.length());
  }

  public String path() {
    return path;
  }

  /** The next datagram, or empty when none waits. */
  public Optional<String> poll() {
    byte[] buf = new byte[4096];
    try {
      int n = LibC.INSTANCE.recv(fd, buf, new NativeLong(buf.length), LibC.MSG_DONTWAIT).intValue();
      return Optional.of(new String(buf, 0, n, StandardCharsets.UTF_8));
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    LibC.INSTANCE.close(fd);
  }
}
