package io.ferry.agent.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * {@code STATE_DIR/ferry.pid}: how {@code ferry reload} finds the running service, also under
 * systemd ({@code ExecReload=ferry reload}: no {@code kill} on a minimal Debian). Written after start,
 * removed on a clean stop; a stale file is harmless because the process must still exist.
 */
public final class PidFile {
  public static final String NAME = "ferry.pid";

  private PidFile() {}

  public static Path in(Path stateDir) {
    return stateDir.resolve(NAME);
  }

  public static void write(Path file, long pid) throws IOException {
    Path tmp = file.resolveSibling(NAME + ".tmp");
    Files.writeString(tmp, pid + "\n");
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The pid written there, or empty when there is no file or it does not hold a number. */
  public static OptionalLong read(Path file) throws IOException {
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(file).trim()));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Removes the file if it still names {@code pid} (a newer instance may have replaced it). */
  public static void remove(Path file, long pid) {
    try {
      if (read(file).orElse(-1) == pid) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // best effort: a stale pid file only makes `ferry reload` report that nothing runs
    }
  }
}
