package io.ferry.drivers.modbus;

import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared helpers: plan a YAML instrument and open it against a test server. */
final class ModbusTestSupport {
  private ModbusTestSupport() {}

  static ModbusPlan plan(Path dir, String yaml) {
    return TestConfigs.plan(dir, new ModbusDriverFactory(), yaml).as(ModbusPlan.class);
  }

  static ModbusDriver open(ModbusDriverFactory factory, ModbusPlan plan, FakeClock clock, CountingMetrics metrics, Path state) {
    return (ModbusDriver) factory.open(plan, new DriverContext(clock, state, metrics));
  }

  static Map<String, Sample> byName(List<Sample> samples) {
    Map<String, Sample> m = new LinkedHashMap<>();
    samples.forEach(s -> m.put(s.channel().channel(), s));
    return m;
  }

  /** A live server must answer within this even on a loaded CI machine; tests that wait for a timeout use a short one. */
  static final String LIVE_TIMEOUT = "3s";

  static String tcpYaml(int port, String connectionExtra, String channels) {
    return tcpYaml(port, LIVE_TIMEOUT, connectionExtra, channels);
  }

  static String tcpYaml(int port, String timeout, String connectionExtra, String channels) {
    return "id: dev\ndriver: modbus-tcp\npoll: 1s\n"
        + "connection: {host: 127.0.0.1, port: " + port + ", unit: 1, timeout: " + timeout + connectionExtra + "}\n"
        + "channels:\n" + channels;
  }
}
