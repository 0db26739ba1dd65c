package io.ferry.drivers.serial;

import io.ferry.config.InstrumentConfig;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;
import java.util.Optional;
import java.util.Set;

/** {@code driver: serial}: ASCII instruments on a serial port or a serial device server, polled or streaming. */
public final class SerialDriverFactory implements DriverFactory {
  @Override
  public Set<String> names() {
    return Set.of("serial");
  }

  @Override
  public Optional<DriverPlan> plan(InstrumentConfig instrument) {
    return SerialConfigReader.read(instrument).map(p -> p);
  }

  @Override
  public Driver open(DriverPlan plan, DriverContext context) {
    SerialPlan p = (SerialPlan) plan;
    return p.mode() == SerialPlan.Mode.POLL ? new SerialPollingDriver(p, context) : new SerialStreamingDriver(p, context);
  }
}
