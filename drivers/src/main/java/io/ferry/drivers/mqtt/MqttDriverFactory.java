package io.ferry.drivers.mqtt;

import io.ferry.config.InstrumentConfig;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;
import java.util.Optional;
import java.util.Set;

/** The {@code driver: mqtt} input: subscribes to a broker and maps topics and payload fields to channels. */
public final class MqttDriverFactory implements DriverFactory {
  public static final String NAME = "mqtt";

  @Override
  public Set<String> names() {
    return Set.of(NAME);
  }

  @Override
  public Optional<DriverPlan> plan(InstrumentConfig instrument) {
    return MqttPlanner.plan(instrument).map(p -> p);
  }

  @Override
  public Driver open(DriverPlan plan, DriverContext context) {
    if (!(plan instanceof MqttPlan p)) {
      throw new IllegalArgumentException("not an MQTT plan: " + plan.getClass().getName());
    }
    return new MqttDriver(p, context);
  }
}
