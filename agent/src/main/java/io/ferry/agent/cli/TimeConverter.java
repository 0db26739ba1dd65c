package io.ferry.agent.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a point in time: RFC 3339 ({@code 2026-11-21T12:00:00Z}), a date (UTC midnight), or epoch milliseconds. */
public final class TimeConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      if (value.matches("-?\\d{10,}")) {
        return Instant.ofEpochMilli(Long.parseLong(value));
      }
      if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
        return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new TypeConversionException(
          "expected a time such as 2026-11-21T12:00:00Z, 2026-11-21 or epoch milliseconds, got \"" + value + "\"");
    }
  }
}
