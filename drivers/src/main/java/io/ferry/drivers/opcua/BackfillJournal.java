package io.ferry.drivers.opcua;

import io.ferry.core.ChannelId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backfill windows not yet known to be read, in the instrument's state directory
 * ({@code backfill-windows}, one line {@code channel from to} per window, µs): what a restart after
 * a crash still has to read. A window is written when its session's first live value ends it (the
 * first poll, or the channel's first notification), before that value goes to the buffer (after them, the newest source time held would already be
 * past the gap). How far a window was read is not written here but committed by the buffer with
 * the samples ({@code HeldSourceTimes.backfilled}): a restart continues after it, so nothing is
 * stored twice whenever the process died. Windows of one channel are read oldest first.
 */
final class BackfillJournal {
  static final String FILE = "backfill-windows";

  private final Path file;

  BackfillJournal(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  /** One window of one channel. */
  record Entry(String channel, HistoryWindow window) {}

  /** The windows written, in order; a damaged line is skipped (its gap is then not read again). */
  synchronized List<Entry> load() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      parse(line).ifPresent(out::add);
    }
    return out;
  }

  static Optional<Entry> parse(String line) {
    String[] f = line.trim().split(" ");
    if (f.length != 3) {
      return Optional.empty();
    }
    try {
      long from = Long.parseLong(f[1]);
      long to = Long.parseLong(f[2]);
      return from < to ? Optional.of(new Entry(f[0], new HistoryWindow(from, to))) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String line(Entry e) {
    return e.channel() + " " + e.window().fromMicros() + " " + e.window().toMicros() + "\n";
  }

  /** Adds windows, durably (forced to the device) before returning. */
  synchronized void append(List<Entry> entries) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    entries.forEach(e -> sb.append(line(e)));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(StandardCharsets.UTF_8.encode(sb.toString()));
      ch.force(true);
    }
  }

  /** Replaces the file with {@code entries} (atomically: a crash leaves the old or the new one). */
  synchronized void rewrite(List<Entry> entries) throws IOException {
    if (entries.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    StringBuilder sb = new StringBuilder();
    entries.forEach(e -> sb.append(line(e)));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(StandardCharsets.UTF_8.encode(sb.toString()));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * What is left of the written windows, per channel oldest first: each window after the newest
   * source time stored from history of its channel, and not older than {@code floorMicros} (maxAge). Pure.
   */
  static Map<String, List<HistoryWindow>> left(List<Entry> entries, Map<ChannelId, Long> backfilled, String instrument,
      long floorMicros) {
    Map<String, List<HistoryWindow>> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      Long reached = backfilled.get(new ChannelId(instrument, e.channel()));
      Optional<HistoryWindow> w = reached == null ? Optional.of(e.window()) : e.window().after(reached);
      w = w.flatMap(x -> x.after(floorMicros - 1));
      w.ifPresent(x -> out.computeIfAbsent(e.channel(), k -> new ArrayList<>()).add(x));
    }
    out.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(HistoryWindow::fromMicros)));
    return out;
  }
}
