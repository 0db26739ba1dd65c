package io.ferry.drivers.serial;

import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns one line into samples. Pure. A line with control bytes (noise), a wrong or missing
 * checksum, a line not matching the optional whole-line pattern, a line in which a channel's
 * pattern matches twice (a cut line run into the next), or from which no channel could be read
 * is rejected as a whole; a channel whose text is not a number is left out. Nothing here ever
 * invents a value.
 */
public final class LineParser {
  /** Decimal numbers as instruments print them: {@code 12}, {@code -0.5}, {@code +2.345E+01}, {@code .5e-3}. */
  static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");

  private final Checksum checksum;
  private final String separator;
  private final Optional<Pattern> line;

  public LineParser(Checksum checksum, String separator) {
    this(checksum, separator, Optional.empty());
  }

  /**
   * @param line when present, a line must match it as a whole (the instrument's complete line
   *     format): a line cut short or run into the next is rejected as malformed instead of
   *     yielding a truncated value ({@code T=23.4} from {@code T=23.45})
   */
  public LineParser(Checksum checksum, String separator, Optional<Pattern> line) {
    this.checksum = checksum;
    this.separator = separator;
    this.line = line;
  }

  public sealed interface Result {}

  /** Samples read from the line, and the channels that the line did not yield. */
  public record Parsed(List<Sample> samples, List<String> missed) implements Result {}

  public record Rejected(String reason) implements Result {}

  public Result parse(String line, List<SerialChannel> channels, long micros) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F) {
        return new Rejected("garbage: control byte 0x" + Integer.toHexString(c));
      }
    }
    Optional<String> payload = checksum.verify(line, separator);
    if (payload.isEmpty()) {
      return new Rejected("checksum");
    }
    if (this.line.isPresent() && !this.line.get().matcher(payload.get()).matches()) {
      return new Rejected("malformed: the line does not match the line pattern (cut short or run together?)");
    }
    for (SerialChannel ch : channels) {
      if (ch.rule().repeats(payload.get())) {
        return new Rejected("malformed: " + ch.id().channel() + " appears twice in one line (two lines run together?)");
      }
    }
    List<Sample> samples = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (SerialChannel ch : channels) {
      Optional<String> t = ch.rule().extract(payload.get()).map(String::trim);
      if (t.isEmpty() || t.get().isEmpty()) {
        missed.add(ch.id().channel());
      } else if (ch.text()) {
        samples.add(Sample.text(ch.id(), micros, t.get(), Quality.GOOD));
      } else if (NUMBER.matcher(t.get()).matches()) {
        double v = Double.parseDouble(t.get()) * ch.scale() + ch.offset();
        if (Double.isFinite(v)) {
          samples.add(Sample.of(ch.id(), micros, v));
        } else {
          missed.add(ch.id().channel());
        }
      } else {
        missed.add(ch.id().channel());
      }
    }
    if (samples.isEmpty()) {
      return new Rejected("no channel could be read from the line");
    }
    return new Parsed(samples, missed);
  }
}
