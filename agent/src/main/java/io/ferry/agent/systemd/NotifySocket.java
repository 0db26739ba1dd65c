package io.ferry.agent.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sd_notify} without libsystemd: one {@code AF_UNIX}/{@code SOCK_DGRAM} socket, each
 * message one {@code sendto} to {@code $NOTIFY_SOCKET} (the protocol is documented as stable in
 * sd_notify(3)). Java's own channels cannot do this: JDK 16+ supports Unix-domain
 * <em>stream</em> sockets only, and {@code NOTIFY_SOCKET} is a datagram socket, often abstract.
 * JNA (a maintained library, one jar, prebuilt for every Linux ABI) calls libc directly, so the
 * gateway does not need libsystemd's development files nor a matching soname.
 */
public final class NotifySocket implements Notifier, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NotifySocket.class);

  private final String path;
  private final UnixAddress address;
  private final int fd;
  private volatile boolean closed;
  private volatile boolean failedOnce;

  private NotifySocket(String path) {
    this.path = path;
    this.address = UnixAddress.of(path);
    this.fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
  }

  /** Opens a socket for sending to {@code path} (a file path or {@code @abstract}). */
  public static NotifySocket open(String path) {
    return new NotifySocket(path);
  }

  /**
   * The notifier systemd asked for: a socket to {@code $NOTIFY_SOCKET}, or {@link Notifier#NONE}
   * when it is unset (started by hand) or cannot be used (then logged once).
   */
  public static Notifier fromEnvironment(Map<String, String> env) {
    String path = env.get("NOTIFY_SOCKET");
    if (path == null || path.isEmpty()) {
      return NONE;
    }
    try {
      return open(path);
    } catch (IllegalArgumentException | LastErrorException | LinkageError e) {
      // LinkageError: JNA's native part could not be loaded (for example a noexec temp directory)
      LOG.warn("systemd notification disabled: cannot use NOTIFY_SOCKET {}: {}", path, io.ferry.config.IoCauses.message(e));
      return NONE;
    }
  }

  /** The configured watchdog period ({@code $WATCHDOG_USEC}) when it is meant for this process. */
  public static Optional<java.time.Duration> watchdog(Map<String, String> env, long pid) {
    String usec = env.get("WATCHDOG_USEC");
    String forPid = env.get("WATCHDOG_PID");
    if (usec == null || (forPid != null && !forPid.equals(Long.toString(pid)))) {
      return Optional.empty();
    }
    try {
      long us = Long.parseLong(usec.trim());
      return us > 0 ? Optional.of(java.time.Duration.ofNanos(us * 1000)) : Optional.empty();
    } catch (NumberFormatException e) {
      LOG.warn("ignoring WATCHDOG_USEC={}: not a number", usec);
      return Optional.empty();
    }
  }

  @Override
  public void send(String message) {
    if (closed) {
      return;
    }
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    try {
      LibC.INSTANCE.sendto(fd, bytes, new NativeLong(bytes.length), LibC.MSG_NOSIGNAL, address.bytes(), address.length());
      failedOnce = false;
    } catch (LastErrorException e) {
      if (!failedOnce) {
        failedOnce = true;
        LOG.warn("cannot notify systemd through {}: errno {}", path, e.getErrorCode());
      }
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.INSTANCE.close(fd);
    }
  }
}
