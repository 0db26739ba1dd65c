package io.ferry.agent.cli;

import io.ferry.config.Durations;
import io.ferry.core.MicroTime;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one reading of a time given on the command line ({@code --from}, {@code --to}): an ISO-8601
 * instant ({@code 2026-11-21T10:00:00Z}), a number since the epoch in the unit of the data it
 * selects ({@link Epoch}), {@code now}, or {@code now} minus a duration ({@code -2h},
 * {@code now-2h}). Pure: {@code now} is passed in from the command's clock.
 */
final class TimeArgument {
  private TimeArgument() {}

  /** The unit of a plain number, and of the result: the unit the data is stored in. */
  enum Epoch {
    /** the buffer's sample times */
    MICROSECONDS("epoch microseconds"),
    /** the mirror's (and Cognite's) timestamps */
    MILLISECONDS("epoch milliseconds");

    final String words;

    Epoch(String words) {
      this.words = words;
    }

    long of(Instant t) {
      return switch (this) {
        case MICROSECONDS -> MicroTime.micros(t);
        case MILLISECONDS -> t.toEpochMilli();
      };
    }
  }

  /**
   * @param option the option's name, for the message ({@code --from})
   * @return the time in {@code unit} since the epoch
   * @throws IllegalArgumentException with a sentence naming the option, the forms and the text
   */
  static long parse(String option, String text, Instant now, Epoch unit) {
    String t = text.trim();
    try {
      if (t.matches("-?[0-9]{1,19}")) {
        return Long.parseLong(t);
      }
      if (t.equalsIgnoreCase("now")) {
        return unit.of(now);
      }
      String rel = t.startsWith("now-") ? t.substring(4) : t.startsWith("-") ? t.substring(1) : null;
      if (rel == null) {
        return unit.of(Instant.parse(t));
      }
      Optional<Duration> d = Durations.parse(rel);
      if (d.isPresent()) {
        return unit.of(now.minus(d.get()));
      }
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      // not a time (or one beyond the unit's range): reported below
    }
    throw new IllegalArgumentException(option + ": expected an ISO-8601 time such as 2026-11-21T10:00:00Z, "
        + unit.words + ", now, or -2h; got \"" + text + "\"");
  }
}
