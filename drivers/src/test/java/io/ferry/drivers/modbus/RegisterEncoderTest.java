package io.ferry.drivers.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.ValueKind;
import io.ferry.drivers.modbus.codec.DataType;
import io.ferry.drivers.modbus.codec.ModbusChannel;
import io.ferry.drivers.modbus.codec.RegisterEncoder;
import io.ferry.drivers.modbus.codec.Table;
import io.ferry.drivers.modbus.codec.WordOrder;
import io.ferry.drivers.modbus.codec.WriteFrame;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The write codec is the read codec backwards: one request per value, in every type and word order. */
class RegisterEncoderTest {
  static ModbusChannel channel(Table table, DataType type, WordOrder order, double scale, double offset) {
    return new ModbusChannel(ChannelId.of("t", "c"), table, 10, type, order, -1, table.isBits() ? 1 : type.registers(), scale, offset,
        ValueKind.GAUGE);
  }

  @ParameterizedTest(name = "{0} {1} {2} scale {3} -> fc{5} [{6}]")
  @CsvSource(delimiter = '|', textBlock = """
      HOLDING | FLOAT32 | ABCD | 1    | 42.5    | 16 | 42 2A 00 00
      HOLDING | FLOAT32 | CDAB | 1    | 42.5    | 16 | 00 00 42 2A
      HOLDING | FLOAT32 | BADC | 1    | 42.5    | 16 | 2A 42 00 00
      HOLDING | FLOAT32 | DCBA | 1    | 42.5    | 16 | 00 00 2A 42
      HOLDING | INT16   | ABCD | 1    | -2      | 6  | FF FE
      HOLDING | INT16   | BADC | 1    | 258     | 6  | 02 01
      HOLDING | UINT16  | ABCD | 1    | 65535   | 6  | FF FF
      HOLDING | INT16   | ABCD | 0.1  | 21.5    | 6  | 00 D7
      HOLDING | INT32   | ABCD | 1    | -100000 | 16 | FF FE 79 60
      HOLDING | INT32   | CDAB | 1    | -100000 | 16 | 79 60 FF FE
      HOLDING | UINT32  | DCBA | 1    | 4294967295 | 16 | FF FF FF FF
      HOLDING | FLOAT64 | ABCD | 1    | 1       | 16 | 3F F0 00 00 00 00 00 00
      HOLDING | INT64   | CDAB | 1    | 1       | 16 | 00 01 00 00 00 00 00 00
      COIL    | BOOL    | ABCD | 1    | 1       | 5  | 01
      COIL    | BOOL    | ABCD | 1    | 0       | 5  | 00
      """)
  void encodesOneRequest(Table table, DataType type, WordOrder order, double scale, double value, int fc, String hex) {
    ModbusChannel c = channel(table, type, order, scale, 0);
    WriteFrame f = RegisterEncoder.encode(c, value, false);
    assertThat(f.functionCode()).isEqualTo(fc);
    assertThat(f.address()).isEqualTo(10);
    assertThat(HexFormat.ofDelimiter(" ").withUpperCase().formatHex(f.data())).isEqualTo(hex);
    assertThat(RegisterEncoder.stored(c, f)).as("reads back as written").isEqualTo(value);
  }

  @Test
  void multipleForcesFunction16And15() {
    assertThat(RegisterEncoder.encode(channel(Table.HOLDING, DataType.INT16, WordOrder.ABCD, 1, 0), 7, true).functionCode()).isEqualTo(16);
    assertThat(RegisterEncoder.encode(channel(Table.COIL, DataType.BOOL, WordOrder.ABCD, 1, 0), 1, true).functionCode()).isEqualTo(15);
  }

  @Test
  void float32KeepsFloatPrecisionSoReadBackComparesWithWhatTheDeviceCanHold() {
    ModbusChannel c = channel(Table.HOLDING, DataType.FLOAT32, WordOrder.ABCD, 1, 0);
    assertThat(RegisterEncoder.stored(c, RegisterEncoder.encode(c, 0.1, false))).isEqualTo((double) 0.1f);
  }

  @ParameterizedTest(name = "{0} scale {1} offset {2}: {3}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      INT16   | 1   | 0  | 32767   | -
      INT16   | 1   | 0  | 32768   | int16 holds -32768 to 32767, got 32768
      INT16   | 1   | 0  | 1.5     | int16 holds steps of 1, got 1.5
      INT16   | 0.1 | 0  | 3276.7  | -
      INT16   | 0.1 | 0  | 0.05    | int16 (scale 0.1) holds steps of 0.1, got 0.05
      UINT16  | 1   | 0  | -1      | uint16 holds 0 to 65535, got -1
      UINT16  | 0.5 | 20 | 20.5    | -
      UINT16  | 0.5 | 20 | 19      | uint16 (scale 0.5, offset 20) holds 20 to 32787.5, got 19
      FLOAT32 | 1   | 0  | 1e39    | float32 holds -3.4028234663852886E38 to 3.4028234663852886E38, got 1.0E39
      FLOAT32 | 1   | 0  | 0.1     | -
      """)
  void domainOfEachEncoding(DataType type, double scale, double offset, double value, String refusal) {
    assertThat(RegisterEncoder.domain(channel(Table.HOLDING, type, WordOrder.ABCD, scale, offset)).refusal(value).orElse(null))
        .isEqualTo(refusal);
  }

  @Test
  void readOnlyTablesBitsAndStringsAreNotWritable() {
    assertThat(RegisterEncoder.unwritable(channel(Table.INPUT, DataType.INT16, WordOrder.ABCD, 1, 0))).hasValueSatisfying(
        s -> assertThat(s).startsWith("input registers are read-only"));
    assertThat(RegisterEncoder.unwritable(channel(Table.DISCRETE, DataType.BOOL, WordOrder.ABCD, 1, 0))).isPresent();
    assertThat(RegisterEncoder.unwritable(new ModbusChannel(ChannelId.of("t", "b"), Table.HOLDING, 0, DataType.BOOL, WordOrder.ABCD, 3, 1,
        1, 0, ValueKind.GAUGE))).hasValueSatisfying(s -> assertThat(s).contains("single bit"));
    assertThat(RegisterEncoder.unwritable(channel(Table.HOLDING, DataType.FLOAT32, WordOrder.ABCD, 1, 0))).isEmpty();
  }
}
