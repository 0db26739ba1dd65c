package io.ferry.agent.e2e;

import io.ferry.config.InstrumentConfig;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.drivers.simulated.SimulatedDriverFactory;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverMetrics;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.uplink.UplinkTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The instrument of the end-to-end tests: a real simulated driver polled by hand on a clock of its
 * own, one second per poll, starting {@code before} the uplink's clock, so the samples' times are
 * fixed and the uplink's clock can move with its waits independently.
 */
final class HandPolled {
  private final FakeClock clock;
  private final PollingDriver driver;

  private HandPolled(FakeClock clock, PollingDriver driver) {
    this.clock = clock;
    this.driver = driver;
  }

  static HandPolled open(InstrumentConfig simulated, Path dir, Duration before) {
    FakeClock clock = new FakeClock(UplinkTesting.START.minus(before));
    SimulatedDriverFactory factory = new SimulatedDriverFactory();
    PollingDriver driver = (PollingDriver) factory.open(factory.plan(simulated).orElseThrow(),
        new DriverContext(clock, dir.resolve("drv"), DriverMetrics.NOOP));
    return new HandPolled(clock, driver);
  }

  /** The samples of {@code ticks} polls, one second apart, in poll order. */
  List<Sample> poll(int ticks) throws Exception {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < ticks; i++) {
      clock.advance(Duration.ofSeconds(1));
      out.addAll(driver.poll());
    }
    return out;
  }
}
