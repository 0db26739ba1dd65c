package io.ferry.config;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Names the cause of a file-system failure in the operator's words ("permission denied",
 * "read-only file system", "not a directory") instead of a Java exception class name.
 */
public final class IoCauses {
  /** A failure whose type alone says what happened. */
  private record Named(Class<? extends Throwable> type, String cause) {}

  /**
   * No type here is a subtype of another, so the order does not matter among them; they come
   * before the generic {@link FileSystemException} reason, which these subtypes would also carry.
   */
  private static final List<Named> BY_TYPE = List.of(
      new Named(ConnectException.class, "connection refused"),
      new Named(NoRouteToHostException.class, "no route to host"),
      new Named(SocketTimeoutException.class, "timed out"),
      new Named(TimeoutException.class, "timed out"),
      new Named(AccessDeniedException.class, "permission denied"),
      new Named(NoSuchFileException.class, "does not exist"),
      new Named(NotDirectoryException.class, "not a directory"),
      new Named(FileSystemLoopException.class, "symbolic link loop"),
      new Named(FileAlreadyExistsException.class, "already exists and is not a directory"),
      new Named(DirectoryNotEmptyException.class, "directory not empty"),
      new Named(SecurityException.class, "permission denied"));

  private IoCauses() {}

  /** A short lower-case cause (file system or network), never a class name. */
  public static String describe(Throwable e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    for (Named n : BY_TYPE) {
      if (n.type().isInstance(t)) {
        return n.cause();
      }
    }
    if (t instanceof UnknownHostException) {
      return "unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage());
    }
    if (t instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
      String r = f.getReason().trim();
      if (r.startsWith("Too many levels of symbolic links")) {
        return "symbolic link loop";
      }
      return r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
    }
    if (t.getMessage() != null && !t.getMessage().isBlank() && !t.getMessage().contains("Exception")) {
      return t.getMessage().trim();
    }
    return "input/output error";
  }
}
