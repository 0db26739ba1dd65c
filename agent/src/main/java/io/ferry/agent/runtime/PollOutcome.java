package io.ferry.agent.runtime;

import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.BackingOffException;
import io.ferry.drivers.spi.PollResult;
import io.ferry.drivers.spi.StillConnectingException;
import java.util.List;

/**
 * How one poll that left the driver ended: the one place that decides what counts as a success
 * (timeouts are decided by the tick thread, which abandons the poll). Pure.
 */
sealed interface PollOutcome {
  /** At least one GOOD sample (or good values unchanged since the last poll): the only success. */
  record Data(List<Sample> samples) implements PollOutcome {}

  /** The poll returned, but without a good sample; what it did return still goes to the sink. */
  record Empty(List<Sample> samples, String cause) implements PollOutcome {}

  /** The driver threw. */
  record Failed(String cause) implements PollOutcome {}

  /** The driver did not ask the device: still connecting, or waiting out a backoff. */
  record Skipped(String cause, boolean connecting) implements PollOutcome {}

  static PollOutcome returned(PollResult result) {
    List<Sample> all = result.samples();
    if (result.unchangedGood() > 0) {
      return new Data(all); // the device answered good values, the same samples as before (not stored twice)
    }
    for (Sample s : all) {
      if (s.quality() == Quality.GOOD) {
        return new Data(all);
      }
    }
    return new Empty(all, all.isEmpty() ? "the poll returned no values"
        : "the poll returned only values of bad or uncertain quality (" + all.size() + ")");
  }

  static PollOutcome threw(Throwable e) {
    if (e instanceof StillConnectingException c) {
      return new Skipped(c.getMessage(), true);
    }
    if (e instanceof BackingOffException b) {
      return new Skipped(b.getMessage(), false);
    }
    return new Failed(InstrumentCounters.describe(e));
  }
}
