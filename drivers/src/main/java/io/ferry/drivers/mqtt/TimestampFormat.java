package io.ferry.drivers.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How a payload writes its timestamp. {@code AUTO} takes numbers by magnitude (below 1e11
 * seconds, below 1e14 milliseconds, otherwise microseconds: unambiguous for dates between 1973
 * and 5138) and texts as RFC 3339 or, when numeric, like numbers.
 */
enum TimestampFormat {
  AUTO,
  EPOCH_S,
  EPOCH_MS,
  EPOCH_US,
  RFC3339;

  /** Microseconds since the epoch, or empty when the node cannot be read in this format. */
  OptionalLong micros(JsonNode node) {
    if (node.isNumber()) {
      return numeric(node.decimalValue());
    }
    if (node.isTextual()) {
      return text(node.asText().trim());
    }
    return OptionalLong.empty();
  }

  OptionalLong text(String text) {
    if (this != RFC3339) {
      try {
        return numeric(new BigDecimal(text));
      } catch (NumberFormatException e) {
        if (this != AUTO) {
          return OptionalLong.empty();
        }
      }
    }
    return rfc3339(text);
  }

  private OptionalLong numeric(BigDecimal v) {
    BigDecimal micros = switch (this) {
      case EPOCH_S -> v.movePointRight(6);
      case EPOCH_MS -> v.movePointRight(3);
      case EPOCH_US -> v;
      case AUTO -> {
        double abs = Math.abs(v.doubleValue());
        yield abs < 1e11 ? v.movePointRight(6) : abs < 1e14 ? v.movePointRight(3) : v;
      }
      case RFC3339 -> null;
    };
    if (micros == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(micros.setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
    } catch (ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /** RFC 3339 also allows a space or lower-case t between date and time and a lower-case z. */
  static OptionalLong rfc3339(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    if (t.length() > 10 && t.charAt(10) == ' ') {
      t = t.substring(0, 10) + 'T' + t.substring(11);
    }
    try {
      Instant i = OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return OptionalLong.of(Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000));
    } catch (DateTimeParseException | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }
}
