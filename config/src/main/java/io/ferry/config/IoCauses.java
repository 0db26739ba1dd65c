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
 * "read-only file system", "not a directory") instead of a Java exception class name;
 * {@link #message} is the one place where any runtime failure becomes the text an operator reads
 * (logs, status JSON, status page, {@code ferry status}).
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

  /** Wrappers that only carry their cause: their own message is the cause's {@code toString()}. */
  private static final List<Class<? extends Throwable>> WRAPPERS = List.of(
      java.util.concurrent.CompletionException.class, java.util.concurrent.ExecutionException.class,
      UncheckedIOException.class, java.lang.reflect.InvocationTargetException.class,
      java.lang.reflect.UndeclaredThrowableException.class);

  /** "java.io.IOException: ", "SimulatedFailureException: ", a bare "ModbusTimeoutException". */
  private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
      "\\b(?:[a-z][a-z0-9_]*\\.)*[A-Z][A-Za-z0-9$]*(?:Exception|Error)\\b(?::\\s*)?");

  private IoCauses() {}

  /**
   * A failure as one line in the operator's words: its message (Ferry's own exceptions say
   * everything there), without Java class names; for a file-system failure the path and its
   * cause ("/var/lib/ferry: permission denied"); for a known network failure the cause in words
   * with any detail its message adds; when no message says anything, the causes' messages, then
   * the cause named by type, else "internal error". Never a class name, never a stack trace.
   */
  public static String message(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + describe(f);
    }
    String own = withoutClassNames(t.getMessage());
    String named = null;
    for (Named n : BY_TYPE) {
      if (n.type().isInstance(t)) {
        named = n.cause();
        break;
      }
    }
    if (named != null) {
      // "Connection refused" says no more than the type; "connect timed out to plc:502" does.
      return own.isEmpty() || own.toLowerCase(Locale.ROOT).contains(named) || named.startsWith(own.toLowerCase(Locale.ROOT))
          ? named : named + ": " + own;
    }
    if (t instanceof UnknownHostException) {
      return describe(t);
    }
    if (!own.isEmpty()) {
      return own;
    }
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      String m = withoutClassNames(unwrap(c).getMessage());
      if (!m.isEmpty() || c.getCause() == null) {
        return message(c);
      }
    }
    return t instanceof java.io.IOException ? describe(t)
        : t instanceof java.util.concurrent.TimeoutException ? "timed out"
        : t instanceof InterruptedException ? "interrupted"
        : "internal error (details in the debug log)";
  }

  /** The message without Java class names and collapsed to one line; "" for none. */
  public static String withoutClassNames(String message) {
    if (message == null) {
      return "";
    }
    String m = CLASS_NAME.matcher(message).replaceAll("").replaceAll("\\s+", " ").trim();
    return m.replaceAll("^[:;,]\\s*", "");
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && isWrapper(t)) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean isWrapper(Throwable t) {
    for (Class<? extends Throwable> w : WRAPPERS) {
      if (w.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

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
