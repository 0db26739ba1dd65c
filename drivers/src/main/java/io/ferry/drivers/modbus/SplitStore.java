package io.ferry.drivers.modbus;

import io.ferry.drivers.modbus.codec.SplitMemory;
import io.ferry.drivers.modbus.codec.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a device's learned read boundaries across restarts: one {@code table address} line per
 * boundary. A damaged file is ignored (the boundaries are learned again), never fatal.
 */
final class SplitStore {
  private static final Logger LOG = LoggerFactory.getLogger(SplitStore.class);
  private final Path file;

  SplitStore(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  SplitMemory load() {
    SplitMemory m = SplitMemory.NONE;
    if (!Files.isRegularFile(file)) {
      return m;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length != 2) {
          continue;
        }
        Optional<Table> t = Table.parse(parts[0]);
        try {
          int a = Integer.parseInt(parts[1]);
          if (t.isPresent() && a > 0 && a < 65536) {
            m = m.with(t.get(), a);
          }
        } catch (NumberFormatException ignored) {
          // a damaged line is skipped; that boundary is learned again
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read learned Modbus read limits from {} ({}); they will be learned again", file, io.ferry.config.IoCauses.message(e));
    }
    return m;
  }

  void save(SplitMemory m) {
    List<String> lines = new ArrayList<>();
    lines.add("# Modbus read boundaries learned from exception 2 answers; delete this file to forget them");
    for (Table t : Table.values()) {
      for (int b : m.boundaries(t).stream().sorted().toList()) {
        lines.add(t.yamlName() + " " + b);
      }
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot save learned Modbus read limits to {} ({}); they stay in memory", file, io.ferry.config.IoCauses.message(e));
    }
  }
}
