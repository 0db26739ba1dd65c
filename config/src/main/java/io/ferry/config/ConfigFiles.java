package io.ferry.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads configuration and secret files safely: only regular files (following symbolic links),
 * never more than a size cap. A named pipe would block forever, {@code /dev/zero} or a huge file
 * would exhaust memory; each gets one clear sentence instead.
 */
public final class ConfigFiles {
  /** The largest YAML file read: far beyond any real instrument file. */
  public static final int MAX_YAML_BYTES = 1 << 20;
  /** The largest secret file read ({@code ${file:...}}): a token, a password, a PEM key. */
  public static final int MAX_SECRET_BYTES = 64 << 10;
  /** The largest TLS file read (a CA bundle, a PKCS#12 key store): the Debian CA bundle is about 200 KiB. */
  public static final int MAX_TLS_BYTES = 1 << 20;

  private ConfigFiles() {}

  /** What reading gave: the bytes, or why not. */
  public sealed interface Outcome permits Bytes, Missing, Refused {}

  public record Bytes(byte[] bytes) implements Outcome {}

  /** Nothing at all at that path (not even a dangling link). */
  public record Missing() implements Outcome {}

  /** Something is there but cannot be used; {@code reason} is a sentence fragment such as "is a directory". */
  public record Refused(String reason) implements Outcome {}

  /** Reads {@code file} if it is (a link to) a regular file of at most {@code maxBytes}. */
  public static Outcome read(Path file, int maxBytes) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
        return new Missing();
      }
      // Neither there nor absent: its directory cannot be searched by this user. Say so, not "missing".
      try {
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return new Missing();
      } catch (IOException | SecurityException e) {
        return new Refused("cannot be read (" + IoCauses.describe(e) + ")");
      }
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return new Refused("is a symbolic link to " + linkTarget(file) + ", which does not exist");
    } catch (IOException | SecurityException e) {
      String cause = IoCauses.describe(e);
      return new Refused(cause.equals("symbolic link loop") ? "is a symbolic link loop" : "cannot be read (" + cause + ")");
    }
    if (attrs.isDirectory()) {
      return new Refused("is a directory, not a file");
    }
    if (!attrs.isRegularFile()) {
      return new Refused("is " + kind(file) + ", not a regular file");
    }
    if (attrs.size() > maxBytes) {
      return tooLarge(attrs.size(), maxBytes);
    }
    try (InputStream in = Files.newInputStream(file)) {
      // Read at most one byte beyond the cap: the size seen above may be stale.
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        return tooLarge(bytes.length, maxBytes);
      }
      return new Bytes(bytes);
    } catch (IOException | SecurityException e) {
      return new Refused("cannot be read (" + IoCauses.describe(e) + ")");
    }
  }

  private static Refused tooLarge(long size, int maxBytes) {
    return new Refused("is too large (" + Sizes.format(size) + "; at most " + Sizes.format(maxBytes) + " is read)");
  }

  private static String linkTarget(Path file) {
    try {
      return Files.readSymbolicLink(file).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return "a path";
    }
  }

  /** "a named pipe", "a device", "a socket": from the Unix file mode when the platform has it. */
  private static String kind(Path file) {
    try {
      int mode = (Integer) Files.getAttribute(file, "unix:mode");
      return switch (mode & 0170000) {
        case 0010000 -> "a named pipe (FIFO)";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException | SecurityException e) {
      return "a special file";
    }
  }
}
