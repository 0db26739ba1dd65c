package io.ferry.drivers.serial;

import io.ferry.config.BackoffKeys;
import io.ferry.config.ChannelConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentConfig;
import io.ferry.core.Backoff;
import io.ferry.core.ValueKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads a {@code driver: serial} instrument into a {@link SerialPlan}. */
final class SerialConfigReader {
  private SerialConfigReader() {}

  static Optional<SerialPlan> read(InstrumentConfig ic) {
    Fields f = ic.fields();
    SerialPlan.Mode mode = f.enumValue("mode", SerialPlan.Mode.class, SerialPlan.Mode.POLL);
    Optional<String> command = f.string("command");
    if (mode == SerialPlan.Mode.STREAM && command.isPresent()) {
      f.error("command", "mode: stream reads what the instrument prints by itself; remove command or use mode: poll");
    }
    String lineEnding = f.string("lineEnding", "\r\n");
    String terminator = f.string("terminator", "\n");
    if (terminator.isEmpty()) {
      f.error("terminator", "must not be empty");
      terminator = "\n";
    }
    String delimiter = f.string("delimiter", ",");
    Checksum checksum = f.enumValue("checksum", Checksum.class, Checksum.NONE);
    String separator = f.string("checksumSeparator", "*");
    if (separator.isEmpty()) {
      f.error("checksumSeparator", "must not be empty");
    }
    int maxLineLength = f.integer("maxLineLength", 1024, 16, 1 << 20);
    boolean skipFirst = f.bool("skipFirstLine", true);
    Optional<java.util.regex.Pattern> linePattern = Optional.empty();
    Optional<String> lineText = f.string("line");
    if (lineText.isPresent()) {
      try {
        linePattern = Optional.of(java.util.regex.Pattern.compile(lineText.get()));
      } catch (PatternSyntaxException e) {
        f.error("line", "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
      }
    }

    Optional<SerialEndpoint> endpoint = Optional.empty();
    Duration timeout = Duration.ofSeconds(1);
    Backoff backoff = Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(1));
    if (ic.connection().isEmpty()) {
      f.error("missing required key \"connection\" ({port: /dev/ttyUSB0, baud: 9600} or {host: 10.0.0.9, port: 4001})");
    } else {
      Fields c = ic.connection().get();
      if (c.has("host")) {
        Optional<String> host = c.requiredString("host");
        Optional<Integer> port = c.integer("port", 1, 65535);
        if (port.isEmpty() && c.node("port").isEmpty()) {
          c.error("missing required key \"port\" (the TCP port of the serial device server)");
        }
        endpoint = host.flatMap(h -> port.map(p -> new SerialEndpoint.Tcp(h, p)));
      } else {
        endpoint = SerialSettings.read(c, 9600).map(SerialEndpoint.Port::new);
      }
      timeout = c.duration("timeout", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(5));
      backoff = BackoffKeys.read(c, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    List<SerialChannel> channels = new ArrayList<>();
    boolean ok = true;
    for (ChannelConfig cc : ic.channels()) {
      Optional<SerialChannel> ch = channel(cc, mode, command.orElse(""), delimiter);
      ok &= ch.isPresent();
      ch.ifPresent(channels::add);
    }
    if (mode == SerialPlan.Mode.POLL) {
      for (int i = 0; i < channels.size(); i++) {
        if (channels.get(i).command().isEmpty()) {
          ic.channels().get(i).fields().error("in mode: poll every channel needs a command (set command at the top"
              + " level or on the channel), or use mode: stream");
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      ic.channels().forEach(cc -> cc.write().ifPresent(Fields::skipUnknownKeyCheck)); // never read: not "unknown"
    }
    List<SerialCommand> writes = new ArrayList<>();
    for (int i = 0; i < ic.channels().size() && ok; i++) {
      ChannelConfig cc = ic.channels().get(i);
      if (cc.write().isEmpty() || cc.spec().write().isEmpty()) {
        continue;
      }
      Optional<SerialCommand> w = write(cc, channels.get(i), mode);
      ok &= w.isPresent();
      w.ifPresent(writes::add);
    }
    if (endpoint.isEmpty() || !ok) {
      return Optional.empty();
    }
    return Optional.of(new SerialPlan(ic.info(), endpoint.get(), mode, lineEnding, terminator, timeout, checksum, separator,
        maxLineLength, skipFirst, backoff, channels, linePattern, writes));
  }

  /** A channel's {@code write: {command: "SOUR:VOLT {value}", reply: "OK"}}; poll mode only (a streaming line is not a reply). */
  private static Optional<SerialCommand> write(ChannelConfig cc, SerialChannel channel, SerialPlan.Mode mode) {
    Fields w = cc.write().get();
    Optional<String> command = w.template("command", "", List.of("value"));
    Optional<String> reply = w.requiredString("reply");
    boolean ok = true;
    if (command.isPresent() && !w.has("command")) {
      w.missing("command", " (the command template, for example \"SOUR:VOLT {value}\")");
      ok = false;
    } else if (command.isPresent() && !command.get().contains("{value}")) {
      w.error("command", "must contain {value}, where the value goes");
      ok = false;
    }
    if (mode != SerialPlan.Mode.POLL) {
      cc.fields().error("write", "writes need mode: poll (in mode: stream the instrument's lines cannot be told from a reply)");
      ok = false;
    }
    if (channel.text()) {
      cc.fields().error("write", "a text channel cannot be written");
      ok = false;
    }
    Pattern p = null;
    if (reply.isPresent()) {
      try {
        p = Pattern.compile(reply.get());
      } catch (PatternSyntaxException e) {
        w.error("reply", "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        ok = false;
      }
    }
    if (!ok || command.isEmpty() || p == null) {
      return Optional.empty();
    }
    return Optional.of(new SerialCommand(channel.id(), command.get(), p, channel.scale(), channel.offset()));
  }

  private static Optional<SerialChannel> channel(ChannelConfig cc, SerialPlan.Mode mode, String command, String delimiter) {
    Fields f = cc.fields();
    Optional<String> pattern = f.string("pattern");
    Optional<String> group = f.string("group");
    Optional<Integer> field = f.integer("field", 0, 1000);
    String cmd = f.string("command", command);
    if (mode == SerialPlan.Mode.STREAM && f.has("command")) {
      f.error("command", "mode: stream sends no commands");
    }
    String type = f.choice("type", List.of("number", "text")).orElse("number");
    double scale = f.number("scale", 1);
    double offset = f.number("offset", 0);
    boolean text = type.equals("text");
    if (text && (f.has("scale") || f.has("offset"))) {
      f.error(f.has("scale") ? "scale" : "offset", "scale and offset apply to numbers, not type: text");
      return Optional.empty();
    }
    if (text && cc.spec().kind() != ValueKind.GAUGE) {
      f.error("kind", "a text channel cannot be a counter or event");
      return Optional.empty();
    }
    FieldRule rule;
    if (pattern.isPresent() && f.has("field")) {
      f.error("field", "give either pattern or field, not both");
      return Optional.empty();
    } else if (pattern.isPresent()) {
      Pattern p;
      try {
        p = Pattern.compile(pattern.get());
      } catch (PatternSyntaxException e) {
        f.error("pattern", "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        return Optional.empty();
      }
      String g = group.orElse(p.pattern().contains("(?<value>") ? "value" : "");
      if (g.isEmpty() && p.matcher("").groupCount() > 0) {
        g = "1";
      }
      if (group.isPresent() && !group.get().chars().allMatch(Character::isDigit)
          && !p.pattern().contains("(?<" + group.get() + ">")) {
        f.error("group", "the pattern has no group named \"" + group.get() + "\"");
        return Optional.empty();
      }
      rule = new FieldRule.Regex(p, g);
    } else if (field.isPresent()) {
      if (group.isPresent()) {
        f.error("group", "group applies to pattern only");
        return Optional.empty();
      }
      rule = new FieldRule.Field(delimiter, field.get());
    } else {
      if (!f.has("field")) {
        f.error("a channel needs pattern (a regular expression, value in group \"value\" or the first group) or field"
            + " (0-based index after splitting at delimiter)");
      }
      return Optional.empty();
    }
    return Optional.of(new SerialChannel(cc.spec().id(), mode == SerialPlan.Mode.POLL ? cmd : "", rule, text, scale, offset));
  }
}
