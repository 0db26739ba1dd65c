package io.ferry.drivers.modbus;

import io.ferry.config.BackoffKeys;
import io.ferry.config.ChannelConfig;
import io.ferry.config.DidYouMean;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.InstrumentInfo;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.Backoff;
import io.ferry.core.ValueKind;
import io.ferry.drivers.modbus.codec.DataType;
import io.ferry.drivers.modbus.codec.ModbusChannel;
import io.ferry.drivers.modbus.codec.PlannerLimits;
import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.RegisterEncoder;
import io.ferry.drivers.modbus.codec.RequestPlanner;
import io.ferry.drivers.modbus.codec.SplitMemory;
import io.ferry.drivers.modbus.codec.Table;
import io.ferry.drivers.modbus.codec.WordOrder;
import io.ferry.drivers.modbus.transport.ModbusTransport;
import io.ferry.drivers.serial.SerialSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a Modbus instrument's driver keys into a {@link ModbusPlan}; every problem names file, line and path. */
final class ModbusConfigReader {
  private static final Pattern REGISTER = Pattern.compile("\\s*([A-Za-z_-]+)\\s*:\\s*(\\d+)\\s*");
  private static final Pattern MODICON = Pattern.compile("\\s*([0134])(\\d{4,5})\\s*");

  private ModbusConfigReader() {}

  /**
   * A counter read from a 16- or 32-bit register rolls over at the register's range: without
   * {@code wrap:} the rollover would read as a device reset and lose one bucket's increment. So
   * the wrap defaults to 2^16 or 2^32 (times |scale|, the size of one rollover in channel
   * units); {@code wrap: 0} written explicitly still means "never wraps". {@code ferry plan}
   * shows the wrap of every counter.
   */
  static InstrumentInfo withRegisterWraps(InstrumentConfig ic, List<ModbusChannel> channels) {
    InstrumentInfo info = ic.info();
    List<ChannelSpec> specs = new ArrayList<>(info.channels());
    boolean changed = false;
    for (ChannelConfig cc : ic.channels()) {
      ChannelSpec spec = cc.spec();
      if (spec.kind() != ValueKind.COUNTER || spec.counter().isEmpty() || cc.fields().has("wrap")) {
        continue;
      }
      Optional<ModbusChannel> mc = channels.stream().filter(c -> c.id().equals(spec.id())).findFirst();
      if (mc.isEmpty()) {
        continue;
      }
      int bits = switch (mc.get().type()) {
        case INT16, UINT16 -> 16;
        case INT32, UINT32 -> 32;
        default -> 0;
      };
      if (bits == 0) {
        continue;
      }
      double wrap = Math.pow(2, bits) * Math.abs(mc.get().scale());
      CounterSpec counter = new CounterSpec(spec.counter().get().bucket(), wrap);
      int at = specs.indexOf(spec);
      specs.set(at, spec.withCounter(Optional.of(counter)));
      changed = true;
    }
    return changed ? new InstrumentInfo(info.id(), info.driver(), info.file(), info.description(), info.poll(),
        info.pollTimeout(), info.uplinks(), specs, info.stale()) : info;
  }

  static Optional<ModbusPlan> read(InstrumentConfig ic) {
    String driver = ic.info().driver();
    if (ic.connection().isEmpty()) {
      ic.fields().error("missing required key \"connection\" (" + (driver.equals("modbus-rtu")
          ? "{port: /dev/ttyUSB0, baud: 9600, unit: 1}" : "{host: 192.168.1.10, port: 502, unit: 1}") + ")");
      readChannels(ic, PlannerLimits.DEFAULT);
      return Optional.empty();
    }
    Fields c = ic.connection().get();
    boolean rtuSerial = driver.equals("modbus-rtu");
    Optional<ModbusTransport> transport;
    Duration interFrame = Duration.ZERO;
    if (rtuSerial) {
      Optional<SerialSettings> s = SerialSettings.read(c, 9600);
      Duration dflt = s.map(ModbusConfigReader::minimumInterFrame).orElse(Duration.ofMillis(2));
      interFrame = c.duration("interFrameDelay", dflt, Duration.ZERO, Duration.ofSeconds(1));
      Duration ifd = interFrame;
      transport = s.map(ss -> new ModbusTransport.Rtu(ss, ifd));
    } else {
      Optional<String> host = c.requiredString("host");
      int port;
      if (driver.equals("modbus-tcp")) {
        port = c.integer("port", 502, 1, 65535);
      } else {
        Optional<Integer> p = c.integer("port", 1, 65535);
        if (p.isEmpty() && !c.has("port")) {
          c.error("missing required key \"port\" (the TCP port of the serial device server, often 4001 or 502)");
        }
        port = p.orElse(0);
      }
      transport = host.filter(h -> port > 0).map(h -> driver.equals("modbus-tcp")
          ? new ModbusTransport.Tcp(h, port) : new ModbusTransport.RtuOverTcp(h, port));
    }
    int unit = rtuSerial || driver.equals("modbus-rtu-over-tcp") ? c.integer("unit", 1, 1, 247) : c.integer("unit", 1, 0, 255);
    Duration timeout = c.duration("timeout", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1));
    Duration pause = c.duration("pauseBetweenRequests", Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10));
    if (pause.compareTo(interFrame) < 0) {
      pause = interFrame;
    }
    int maxRegs = c.integer("maxRegistersPerRequest", 125, 1, 125);
    int maxBits = c.integer("maxBitsPerRequest", 2000, 1, 2000);
    int maxGap = c.integer("maxGap", 10, 0, 124);
    int maxBitGap = c.integer("maxBitGap", 64, 0, 1999);
    Backoff backoff = BackoffKeys.read(c, Duration.ofSeconds(1), Duration.ofMinutes(1));
    boolean merge = !c.bool("oneRequestPerChannel", false);
    PlannerLimits limits = new PlannerLimits(maxRegs, maxBits, maxGap, maxBitGap, merge);
    Optional<List<ModbusChannel>> channels = readChannels(ic, limits);
    if (transport.isEmpty() || channels.isEmpty()) {
      ic.channels().forEach(cc -> cc.write().ifPresent(Fields::skipUnknownKeyCheck)); // never read: not "unknown"
      return Optional.empty();
    }
    Optional<List<ModbusWrite>> writes = writes(ic, channels.get());
    if (writes.isEmpty()) {
      return Optional.empty();
    }
    List<ReadRequest> requests = RequestPlanner.plan(channels.get(), limits, SplitMemory.NONE);
    return Optional.of(new ModbusPlan(withRegisterWraps(ic, channels.get()), transport.get(), unit, timeout, pause, limits,
        backoff, channels.get(), requests, writes.get()));
  }

  /** The channels with a {@code write:} key; a table or type that cannot be written is an error at that key. */
  private static Optional<List<ModbusWrite>> writes(InstrumentConfig ic, List<ModbusChannel> channels) {
    List<ModbusWrite> out = new ArrayList<>();
    boolean ok = true;
    for (ChannelConfig cc : ic.channels()) {
      if (cc.write().isEmpty() || cc.spec().write().isEmpty()) {
        continue;
      }
      Fields w = cc.write().get();
      boolean multiple = w.bool("multiple", false);
      ModbusChannel c = channels.stream().filter(x -> x.id().equals(cc.spec().id())).findFirst().orElseThrow();
      Optional<String> why = RegisterEncoder.unwritable(c);
      if (why.isPresent()) {
        cc.fields().error("write", why.get());
        ok = false;
        continue;
      }
      out.add(new ModbusWrite(c, multiple));
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** Modbus RTU: 3.5 character times of silence, fixed at 1.75 ms above 19200 baud. */
  static Duration minimumInterFrame(SerialSettings s) {
    if (s.baud() > 19200) {
      return Duration.ofMillis(2);
    }
    long micros = (long) Math.ceil(3.5 * s.bitsPerCharacter() * 1_000_000.0 / s.baud());
    return Duration.ofNanos(micros * 1000);
  }

  private static Optional<List<ModbusChannel>> readChannels(InstrumentConfig ic, PlannerLimits limits) {
    List<ModbusChannel> out = new ArrayList<>();
    boolean ok = true;
    List<ChannelConfig> read = new ArrayList<>();
    for (ChannelConfig cc : ic.channels()) {
      Optional<ModbusChannel> ch = channel(cc, limits);
      ok &= ch.isPresent();
      ch.ifPresent(c -> {
        warnIfOverlapping(cc, c, read, out);
        out.add(c);
        read.add(cc);
      });
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /**
   * Two channels reading the same registers are almost always a copy-paste mistake (a float32
   * at holding:0 and another value at holding:1). Bits of one register (type bool with bit:)
   * sharing it with each other or with the whole word are normal and not reported.
   */
  private static void warnIfOverlapping(ChannelConfig cc, ModbusChannel c, List<ChannelConfig> earlierConfigs,
      List<ModbusChannel> earlier) {
    if (c.bit() >= 0) {
      return;
    }
    for (int i = 0; i < earlier.size(); i++) {
      ModbusChannel e = earlier.get(i);
      if (e.table() != c.table() || e.bit() >= 0) {
        continue;
      }
      if (c.address() < e.address() + e.count() && e.address() < c.address() + c.count()) {
        cc.fields().warn("register", "overlaps channel " + e.id().channel() + " (channels[" + earlierConfigs.get(i).index()
            + "], " + c.table().yamlName() + ":" + e.address() + (e.count() > 1 ? ".." + (e.address() + e.count() - 1) : "")
            + "); two channels reading the same registers is usually a mistake");
        return;
      }
    }
  }

  static Optional<ModbusChannel> channel(ChannelConfig cc, PlannerLimits limits) {
    Fields f = cc.fields();
    Optional<Table> table = Optional.empty();
    int address = -1;
    Optional<String> reg = f.requiredString("register");
    if (reg.isPresent()) {
      Matcher m = REGISTER.matcher(reg.get());
      if (m.matches()) {
        table = Table.parse(m.group(1));
        if (table.isEmpty()) {
          f.error("register", "unknown table \"" + m.group(1) + "\"" + DidYouMean.suffix(m.group(1), Table.yamlNames())
              + " (expected coil, discrete, input or holding, as in holding:0)");
        }
        long a = Long.parseLong(m.group(2).length() > 6 ? "999999" : m.group(2));
        if (a > 65535) {
          f.error("register", "address " + m.group(2) + " is out of range 0..65535 (addresses are 0-based protocol addresses)");
          table = Optional.empty();
        } else {
          address = (int) a;
        }
      } else {
        Matcher mod = MODICON.matcher(reg.get());
        String hint = "";
        if (mod.matches()) {
          String t = switch (mod.group(1)) {
            case "0" -> "coil";
            case "1" -> "discrete";
            case "3" -> "input";
            default -> "holding";
          };
          int a = Integer.parseInt(mod.group(2)) - 1;
          hint = a >= 0 ? ", did you mean \"" + t + ":" + a + "\"? (" + reg.get().trim()
              + " in 1-based Modicon notation is the 0-based protocol address " + t + ":" + a + ")" : "";
        }
        f.error("register", "expected table:address with a 0-based address, such as holding:0 or input:12, got \""
            + reg.get() + "\"" + hint);
      }
    }
    Optional<DataType> type;
    if (f.has("type")) {
      type = f.enumValue("type", DataType.class);
    } else if (table.isPresent() && table.get().isBits()) {
      type = Optional.of(DataType.BOOL);
    } else {
      f.error("missing required key \"type\" (one of bool, int16, uint16, int32, uint32, int64, uint64, float32, float64, string)");
      type = Optional.empty();
    }
    WordOrder order = f.enumValue("order", WordOrder.class, WordOrder.ABCD);
    int bit = -1;
    if (f.node("bit").isPresent()) {
      bit = f.integer("bit", -1, 0, 15);
    }
    int length = f.node("length").isPresent() ? f.integer("length", -1, 1, 125) : -1;
    double scale = f.number("scale", 1);
    double offset = f.number("offset", 0);
    ValueKind kind = cc.spec().kind();
    if (table.isEmpty() || type.isEmpty() || address < 0) {
      return Optional.empty();
    }
    Table t = table.get();
    DataType dt = type.get();
    boolean bad = false;
    if (t.isBits() && dt != DataType.BOOL) {
      f.error("type", t.yamlName() + " holds single bits: type must be bool, got " + Fields.enumName(dt));
      bad = true;
    }
    if (dt == DataType.BOOL && !t.isBits() && bit < 0 && !f.has("bit")) {
      f.error("type", "a bool read from a " + t.yamlName() + " register needs bit: 0..15 (0 = least significant)");
      bad = true;
    }
    if (bit >= 0 && dt != DataType.BOOL) {
      f.error("bit", "bit applies to type bool only");
      bad = true;
    }
    if (bit >= 0 && t.isBits()) {
      f.error("bit", "a " + t.yamlName() + " is a single bit already; remove bit");
      bad = true;
    }
    if (dt == DataType.STRING && length < 0) {
      if (!f.has("length")) {
        f.error("missing required key \"length\" (registers of the string, two characters each)");
      }
      bad = true;
    }
    if (dt != DataType.STRING && f.has("length")) {
      f.error("length", "length applies to type string only (the other types have a fixed size)");
      bad = true;
    }
    if (!dt.isNumeric() && (f.has("scale") || f.has("offset"))) {
      f.error(f.has("scale") ? "scale" : "offset", "scale and offset apply to numeric types, not " + Fields.enumName(dt));
      bad = true;
    }
    if (kind != ValueKind.GAUGE && dt == DataType.STRING) {
      f.error("kind", "a string channel cannot be a " + Fields.enumName(kind));
      bad = true;
    }
    if (dt == DataType.STRING && cc.spec().report().map(r -> !r.onChange()).orElse(false)) {
      if (f.node("report").isPresent()) {
        f.error("report", "a string channel has no deadband: it reports on change (write report: {onChange: true})");
      } else {
        f.error("type", "a string channel has no deadband, and the instrument's report: gives it one: add report: {onChange: true}"
            + " (or report: off) to this channel");
      }
      bad = true;
    }
    if (scale == 0) {
      f.error("scale", "must not be 0");
      bad = true;
    }
    int count = t.isBits() || dt == DataType.BOOL ? 1 : dt == DataType.STRING ? Math.max(length, 1) : dt.registers();
    int cap = t.isBits() ? limits.maxBits() : limits.maxRegisters();
    if (count > cap) {
      f.error(dt == DataType.STRING ? "length" : "type", "needs " + count + " registers, more than maxRegistersPerRequest ("
          + cap + ")");
      bad = true;
    }
    if (address + count > 65536) {
      f.error("register", "runs past address 65535");
      bad = true;
    }
    if (bad) {
      return Optional.empty();
    }
    return Optional.of(new ModbusChannel(cc.spec().id(), t, address, dt, order, bit, count, scale, offset, kind));
  }
}
