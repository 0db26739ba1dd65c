package io.ferry.drivers.simulated;

import io.ferry.config.Durations;
import io.ferry.config.InstrumentInfo;
import io.ferry.core.ChannelId;
import io.ferry.drivers.spi.DriverPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A validated simulated instrument.
 *
 * @param failEvery every Nth poll throws (0 = never), to exercise error counting
 * @param hang every poll blocks until interrupted or the driver is closed, to exercise timeouts
 */
public record SimulatedPlan(InstrumentInfo instrument, List<ChannelPlan> channels, int failEvery, boolean hang)
    implements DriverPlan {

  /** One channel and its signal. */
  public record ChannelPlan(ChannelId id, Waveform waveform) {
    public ChannelPlan {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(waveform, "waveform");
    }
  }

  public SimulatedPlan {
    Objects.requireNonNull(instrument, "instrument");
    channels = List.copyOf(channels);
    if (failEvery < 0) {
      throw new IllegalArgumentException("failEvery must be >= 0");
    }
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("simulated instrument " + instrument.id() + ": poll every " + Durations.format(instrument.poll())
        + " (timeout " + Durations.format(instrument.pollTimeout()) + "), values are pure functions of the sample time");
    for (ChannelPlan c : channels) {
      lines.add("  " + c.id().channel() + ": " + c.waveform().describe());
    }
    if (failEvery > 0) {
      lines.add("  fault: every " + failEvery + (failEvery == 1 ? "" : "th") + " poll throws");
    }
    if (hang) {
      lines.add("  fault: every poll hangs until interrupted");
    }
    return lines;
  }
}
