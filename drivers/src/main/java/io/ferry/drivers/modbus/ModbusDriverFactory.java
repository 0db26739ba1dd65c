package io.ferry.drivers.modbus;

import io.ferry.config.InstrumentConfig;
import io.ferry.drivers.modbus.transport.DigitalPetriLink;
import io.ferry.drivers.modbus.transport.ModbusLink;
import io.ferry.drivers.modbus.transport.ModbusTransport;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * {@code modbus-tcp}, {@code modbus-rtu}, {@code modbus-rtu-over-tcp}. Instruments that name the
 * same host and port, or the same serial port, share one {@link ModbusBus}.
 */
public final class ModbusDriverFactory implements DriverFactory {
  private final Map<String, ModbusBus> buses = new HashMap<>();
  private final BiFunction<ModbusTransport, Duration, ModbusLink> links;

  public ModbusDriverFactory() {
    this(DigitalPetriLink::new);
  }

  ModbusDriverFactory(BiFunction<ModbusTransport, Duration, ModbusLink> links) {
    this.links = links;
  }

  @Override
  public Set<String> names() {
    return Set.of("modbus-tcp", "modbus-rtu", "modbus-rtu-over-tcp");
  }

  @Override
  public Optional<DriverPlan> plan(InstrumentConfig instrument) {
    return ModbusConfigReader.read(instrument).map(p -> p);
  }

  @Override
  public Driver open(DriverPlan plan, DriverContext context) {
    ModbusPlan p = (ModbusPlan) plan;
    String key = p.transport().busKey();
    ModbusBus bus;
    synchronized (buses) {
      bus = buses.computeIfAbsent(key, k -> new ModbusBus(p.transport(), t -> links.apply(p.transport(), t),
          context.clock(), context.ticker(), p.backoff()));
      bus.join(p);
    }
    ModbusBus b = bus;
    return new ModbusDriver(p, bus, context, () -> {
      synchronized (buses) {
        if (b.leave()) {
          buses.remove(key, b);
        }
      }
    });
  }
}
