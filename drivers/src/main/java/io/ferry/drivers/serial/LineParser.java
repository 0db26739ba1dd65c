package io.ferry.drivers.serial;

import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns one line into samples. Pure. A line with control bytes (noise), a wrong or missing
 * checksum, or from which no channel could be read is rejected as a whole; a channel whose
 * text is not a number is left out. Nothing here ever invents a value.
 */
public final class LineParser {
  /** Decimal numbers as instruments print them: {@code 12}, {@code -0.5}, {@code +2.345E+01}, {@code .5e-3}. */
  static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");

  private final Checksum checksum;
  private final String separator;

  public LineParser(Checksum checksum, String separator) {
    this.checksum = checksum;
    this.separator = separator;
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
