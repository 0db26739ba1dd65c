package io.ferry.drivers.serial;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.Backoff;
import io.ferry.drivers.spi.DriverPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated serial ASCII instrument.
 *
 * @param mode POLL sends each command and reads one reply line; STREAM reads the lines the instrument prints by itself
 * @param lineEnding appended to every command
 * @param terminator ends each line the instrument sends
 * @param timeout how long a reply may take (poll mode)
 * @param skipFirstLine stream mode: the first line after (re)connecting is likely cut and is dropped
 */
public record SerialPlan(
    InstrumentInfo instrument,
    SerialEndpoint endpoint,
    Mode mode,
    String lineEnding,
    String terminator,
    Duration timeout,
    Checksum checksum,
    String checksumSeparator,
    int maxLineLength,
    boolean skipFirstLine,
    Backoff backoff,
    List<SerialChannel> channels,
    Optional<java.util.regex.Pattern> linePattern,
    List<SerialCommand> writes)
    implements DriverPlan {

  public enum Mode { POLL, STREAM }

  public SerialPlan {
    channels = List.copyOf(channels);
    writes = List.copyOf(writes);
  }

  /** Without writes. */
  public SerialPlan(InstrumentInfo instrument, SerialEndpoint endpoint, Mode mode, String lineEnding, String terminator, Duration timeout,
      Checksum checksum, String checksumSeparator, int maxLineLength, boolean skipFirstLine, Backoff backoff, List<SerialChannel> channels,
      Optional<java.util.regex.Pattern> linePattern) {
    this(instrument, endpoint, mode, lineEnding, terminator, timeout, checksum, checksumSeparator, maxLineLength, skipFirstLine, backoff,
        channels, linePattern, List.of());
  }

  @Override
  public List<io.ferry.drivers.spi.WriteTarget> writeTargets() {
    return writes.stream().map(w -> new io.ferry.drivers.spi.WriteTarget(w.channel(), io.ferry.drivers.spi.WriteTarget.Domain.anyNumber(
        "a serial command"), "send " + escape(w.template() + lineEnding) + ", expect a reply matching /" + w.reply().pattern() + "/")).toList();
  }

  /** Channels grouped by the command that yields them, in file order (poll mode). */
  public Map<String, List<SerialChannel>> byCommand() {
    Map<String, List<SerialChannel>> m = new LinkedHashMap<>();
    for (SerialChannel c : channels) {
      m.computeIfAbsent(c.command(), k -> new ArrayList<>()).add(c);
    }
    return m;
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add(endpoint.describe() + ", " + (mode == Mode.POLL ? "request/response, timeout " + timeout.toMillis() + "ms"
        : "streaming") + ", lines end with " + escape(terminator) + (checksum == Checksum.NONE ? ""
        : ", checksum " + checksum.name().toLowerCase(java.util.Locale.ROOT) + " after \"" + checksumSeparator + "\""));
    if (mode == Mode.POLL) {
      byCommand().forEach((cmd, cs) -> lines.add("  send " + escape(cmd + lineEnding) + " -> " + names(cs)));
    }
    writeTargets().forEach(t -> lines.add("  " + t.request() + " <- " + t.channel().channel()));
    linePattern.ifPresent(p -> lines.add("  only lines matching /" + p.pattern() + "/ as a whole"));
    for (SerialChannel c : channels) {
      lines.add("  " + c.id().channel() + ": " + c.rule().describe() + (c.text() ? " (text)" : ""));
    }
    return lines;
  }

  private static String names(List<SerialChannel> cs) {
    return String.join(", ", cs.stream().map(c -> c.id().channel()).toList());
  }

  static String escape(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "\"";
  }

  @Override
  public boolean streaming() {
    return mode == Mode.STREAM;
  }
}
