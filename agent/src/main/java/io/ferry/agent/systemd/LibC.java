package io.ferry.agent.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * The few libc calls the notify protocol needs (JNA interface mapping). {@code size_t} and
 * {@code ssize_t} are {@link NativeLong}: the same width as C {@code long} on every Linux ABI a
 * gateway runs (LP64 on x86_64/aarch64, ILP32 on 32-bit ARM).
 */
interface LibC extends Library {
  int AF_UNIX = 1;
  int SOCK_DGRAM = 2;
  int SOCK_CLOEXEC = 0x80000; // O_CLOEXEC on every Linux architecture Ferry ships for
  int MSG_DONTWAIT = 0x40;
  int MSG_NOSIGNAL = 0x4000;
  int SIGHUP = 1;
  /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and 108 bytes of path. */
  int SOCKADDR_UN_SIZE = 110;

  LibC INSTANCE = Native.load("c", LibC.class);

  int socket(int domain, int type, int protocol) throws LastErrorException;

  NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen) throws LastErrorException;

  int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

  NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  int kill(int pid, int sig) throws LastErrorException;

  /** signal(2); {@code handler} null is {@code SIG_DFL}. Only used to undo another library's {@code SIG_IGN}. */
  com.sun.jna.Pointer signal(int sig, com.sun.jna.Pointer handler);
}
