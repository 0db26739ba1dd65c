package io.ferry.drivers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.drivers.modbus.ModbusDriverFactory;
import io.ferry.drivers.modbus.ModbusPlan;
import io.ferry.drivers.serial.SerialDriverFactory;
import io.ferry.drivers.serial.SerialPlan;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example files stay valid. */
class ExampleInstrumentsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"modbus-tcp.yaml, modbus", "modbus-rtu.yaml, modbus", "serial-scpi.yaml, serial"})
  void examplePlansWithoutProblems(String file, String kind) throws Exception {
    String yaml = Files.readString(Path.of("..", "examples", "instruments", file));
    DriverFactory factory = kind.equals("modbus") ? new ModbusDriverFactory() : new SerialDriverFactory();
    TestConfigs.Planned p = TestConfigs.plan(dir, factory, yaml);
    assertThat(p.problems()).isEmpty();
    Class<?> type = kind.equals("modbus") ? ModbusPlan.class : SerialPlan.class;
    assertThat(p.plan()).get().isInstanceOf(type);
    assertThat(p.plan().get().describe()).isNotEmpty();
  }
}
