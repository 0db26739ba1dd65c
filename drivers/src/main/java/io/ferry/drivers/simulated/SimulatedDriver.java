package io.ferry.drivers.simulated;

import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.PollingDriver;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Polls a {@link SimulatedPlan}: reads the injected clock once and returns one sample per
 * channel, stamped with that time and valued by the channel's waveform at that time. Polled by
 * one thread at a time (the scheduler's); {@link #close()} may come from any thread.
 */
public final class SimulatedDriver implements PollingDriver {
  private final SimulatedPlan plan;
  private final InstantSource clock;
  private final CountDownLatch closed = new CountDownLatch(1);
  private long polls;

  public SimulatedDriver(SimulatedPlan plan, InstantSource clock) {
    this.plan = plan;
    this.clock = clock;
  }

  @Override
  public List<Sample> poll() throws Exception {
    if (closed.getCount() == 0) {
      throw new IllegalStateException("simulated instrument " + plan.instrument().id() + " is closed");
    }
    long n = ++polls;
    if (plan.hang()) {
      // Blocks like a device that never answers; only an interrupt (the scheduler's poll timeout) or close() ends it.
      closed.await();
      throw new IllegalStateException("simulated instrument " + plan.instrument().id() + " was closed while hanging");
    }
    if (plan.failEvery() > 0 && n % plan.failEvery() == 0) {
      throw new SimulatedFailureException("simulated failure of " + plan.instrument().id() + " (failEvery: "
          + plan.failEvery() + ", poll " + n + ")");
    }
    long t = MicroTime.now(clock);
    List<Sample> out = new ArrayList<>(plan.channels().size());
    for (SimulatedPlan.ChannelPlan c : plan.channels()) {
      out.add(Sample.of(c.id(), t, c.waveform().valueAt(t)));
    }
    return out;
  }

  @Override
  public void close() {
    closed.countDown();
  }

  /** Thrown by a poll that {@code failEvery} asks to fail. */
  public static final class SimulatedFailureException extends Exception {
    public SimulatedFailureException(String message) {
      super(message);
    }
  }
}
