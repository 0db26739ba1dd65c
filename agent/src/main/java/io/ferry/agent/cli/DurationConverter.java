package io.ferry.agent.cli;

import io.ferry.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 500ms}, {@code 5s}, {@code 1m} on the command line, like the YAML does. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    if (value.trim().startsWith("-")) {
      throw new TypeConversionException("a duration cannot be negative, got \"" + value + "\"");
    }
    return Durations.parse(value).orElseThrow(() -> new TypeConversionException(
        "expected a duration such as 500ms, 5s or 1m, got \"" + value + "\""));
  }
}
