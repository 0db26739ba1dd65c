package io.ferry.drivers.opcua;

import io.ferry.config.InstrumentConfig;
import io.ferry.drivers.opcua.security.ServerTrust;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** {@code driver: opcua}: an OPC UA client polling or subscribing to nodes (Eclipse Milo). */
public final class OpcUaDriverFactory implements DriverFactory {
  public static final String NAME = "opcua";

  @Override
  public Set<String> names() {
    return Set.of(NAME);
  }

  @Override
  public Optional<DriverPlan> plan(InstrumentConfig instrument) {
    return OpcUaPlanner.plan(instrument).map(DriverPlan.class::cast);
  }

  /** The typed plan (the CLI needs the connection settings). */
  public Optional<OpcUaPlan> opcUaPlan(InstrumentConfig instrument) {
    return OpcUaPlanner.plan(instrument);
  }

  @Override
  public Driver open(DriverPlan plan, DriverContext context) {
    if (!(plan instanceof OpcUaPlan p)) {
      throw new IllegalArgumentException("not an OPC UA plan: " + plan.getClass().getName());
    }
    if (p.mode() == AcquisitionMode.POLL) {
      OpcUaPollingDriver driver = new OpcUaPollingDriver(p, context);
      driver.startConnecting(); // on the driver's connect thread: open() does not block
      return driver;
    }
    return new OpcUaSubscribeDriver(p, context);
  }

  /** Where an instrument's server-certificate trust lives, given its private state directory. */
  public static ServerTrust trust(OpcUaPlan plan, Path stateDir, java.time.InstantSource clock) {
    return new ServerTrust(MiloConnector.pkiDir(plan, stateDir), clock);
  }
}
