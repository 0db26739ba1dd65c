package io.ferry.drivers.modbus;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.Backoff;
import io.ferry.drivers.modbus.codec.ModbusChannel;
import io.ferry.drivers.modbus.codec.PlannerLimits;
import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.transport.ModbusTransport;
import io.ferry.drivers.spi.DriverPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One Modbus instrument (one unit id on one bus), validated.
 *
 * @param pause silence kept on the bus between two requests (at least the RTU inter-frame delay)
 * @param requests the reads planned before any device limit was learned
 * @param writes the channels with a {@code write:} key, in file order
 */
public record ModbusPlan(
    InstrumentInfo instrument,
    ModbusTransport transport,
    int unit,
    Duration timeout,
    Duration pause,
    PlannerLimits limits,
    Backoff backoff,
    List<ModbusChannel> channels,
    List<ReadRequest> requests,
    List<ModbusWrite> writes)
    implements DriverPlan {

  public ModbusPlan {
    channels = List.copyOf(channels);
    requests = List.copyOf(requests);
    writes = List.copyOf(writes);
  }

  @Override
  public List<io.ferry.drivers.spi.WriteTarget> writeTargets() {
    return writes.stream().map(ModbusWrite::target).toList();
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add(transport.describe() + " unit " + unit + ", timeout " + timeout.toMillis() + "ms, pause " + pause.toMillis()
        + "ms, max " + limits.maxRegisters() + " registers/" + limits.maxBits() + " bits per request, maxGap "
        + limits.maxGap() + (limits.merge() ? "" : ", one request per channel") + ": " + requests.size() + " request" + (requests.size() == 1 ? "" : "s") + " per poll for "
        + channels.size() + " channel" + (channels.size() == 1 ? "" : "s"));
    for (ReadRequest r : requests) {
      lines.add("  read " + r.describe() + " -> " + r.channels().stream()
          .map(c -> c.id().channel() + "@" + c.address()).collect(Collectors.joining(", ")));
    }
    for (ModbusWrite w : writes) {
      lines.add("  " + w.target().request() + " <- " + w.channel().id().channel());
    }
    for (io.ferry.core.ChannelSpec spec : instrument.channels()) {
      spec.counter().filter(c -> spec.kind() == io.ferry.core.ValueKind.COUNTER).ifPresent(c -> lines.add("  counter "
          + spec.id().channel() + (c.wrap() > 0 ? " wraps at " + java.math.BigDecimal.valueOf(c.wrap()).stripTrailingZeros().toPlainString()
          : " never wraps (wrap: 0)")));
    }
    return lines;
  }
}
