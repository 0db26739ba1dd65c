package io.ferry.config;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Names the cause of a file-system failure in the operator's words ("permission denied",
 * "read-only file system", "not a directory") instead of a Java exception class name.
 */
public final class IoCauses {
  private IoCauses() {}

  /** A short lower-case cause (file system or network), never a class name. */
  public static String describe(Throwable e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    if (t instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (t instanceof java.net.UnknownHostException) {
      return "unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage());
    }
    if (t instanceof java.net.NoRouteToHostException) {
      return "no route to host";
    }
    if (t instanceof java.net.SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
      return "timed out";
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (t instanceof NoSuchFileException) {
      return "does not exist";
    }
    if (t instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (t instanceof FileSystemLoopException) {
      return "symbolic link loop";
    }
    if (t instanceof FileAlreadyExistsException) {
      return "already exists and is not a directory";
    }
    if (t instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    if (t instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
      String r = f.getReason().trim();
      if (r.startsWith("Too many levels of symbolic links")) {
        return "symbolic link loop";
      }
      return r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
    }
    if (t instanceof SecurityException) {
      return "permission denied";
    }
    if (t.getMessage() != null && !t.getMessage().isBlank() && !t.getMessage().contains("Exception")) {
      return t.getMessage().trim();
    }
    return "input/output error";
  }
}
