package io.ferry.drivers.spi;

import io.ferry.core.Sample;
import java.util.List;

/**
 * What one poll read: the samples to store, and how many good values the device gave that were
 * the same sample again (an OPC UA node whose source time did not move), left out so they are not
 * stored twice. Those still show the device answered with good values: the poll is a success.
 *
 * @param samples the new samples
 * @param unchangedGood good values the device answered that were the same sample as before
 */
public record PollResult(List<Sample> samples, int unchangedGood) {
  public PollResult {
    samples = samples == null ? List.of() : samples;
    if (unchangedGood < 0) {
      throw new IllegalArgumentException("unchangedGood must not be negative");
    }
  }
}
