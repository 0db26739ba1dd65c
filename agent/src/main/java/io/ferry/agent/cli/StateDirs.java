package io.ferry.agent.cli;

import io.ferry.config.IoCauses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a directory Ferry must write to (the state directory, the buffer's directory) is
 * usable, answered in one line naming the path and the cause, before anything opens it: a
 * directory that cannot be written must not surface later as a lock conflict or a stack trace.
 * Probes by creating and deleting a temporary file, so it also catches a read-only file system
 * and access control that permission bits do not show.
 */
final class StateDirs {
  private StateDirs() {}

  /** Empty when {@code dir} is (or can be created as) a writable directory; otherwise why not. */
  static Optional<String> problem(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        return Optional.of(abs + " is not a directory");
      }
      return probe(abs).map(cause -> abs + " cannot be written (" + cause + ")");
    }
    Path ancestor = abs.getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      return Optional.of(abs + " cannot be created (no existing parent directory)");
    }
    if (!Files.isDirectory(ancestor)) {
      return Optional.of(abs + " cannot be created: " + ancestor + " is not a directory");
    }
    Path parent = ancestor;
    return probe(parent).map(cause -> abs + " cannot be created in " + parent + " (" + cause + ")");
  }

  private static Optional<String> probe(Path dir) {
    try {
      Path probe = Files.createTempFile(dir, ".ferry-write-check-", ".tmp");
      Files.delete(probe);
      return Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.of(IoCauses.describe(e));
    }
  }
}
