package io.ferry.drivers.modbus;

import io.ferry.drivers.modbus.codec.DataType;
import io.ferry.drivers.modbus.codec.RegisterDecoder;
import io.ferry.drivers.modbus.codec.WordOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;

class RegisterDecoderTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @ParameterizedTest(name = "{0} {1} of {2} = {3}")
  @CsvSource({
    // float32 123.456 = 42F6E979 in every order
    "FLOAT32, ABCD, 42F6 E979, 123.456001281738",
    "FLOAT32, CDAB, E979 42F6, 123.456001281738",
    "FLOAT32, BADC, F642 79E9, 123.456001281738",
    "FLOAT32, DCBA, 79E9 F642, 123.456001281738",
    // int32 -2 = FFFFFFFE; 0x12345678 = 305419896
    "INT32, ABCD, FFFF FFFE, -2",
    "INT32, ABCD, 1234 5678, 305419896",
    "INT32, CDAB, 5678 1234, 305419896",
    "INT32, BADC, 3412 7856, 305419896",
    "INT32, DCBA, 7856 3412, 305419896",
    "UINT32, ABCD, FFFF FFFE, 4294967294",
    "UINT32, CDAB, FFFE FFFF, 4294967294",
    "INT16, ABCD, FF38, -200",
    "INT16, BADC, 38FF, -200",
    "INT16, CDAB, FF38, -200",
    "UINT16, ABCD, FF38, 65336",
    "UINT16, DCBA, 38FF, 65336",
    // int64 0x0102030405060708 = 72623859790382856
    "INT64, ABCD, 0102 0304 0506 0708, 72623859790382856",
    "INT64, CDAB, 0708 0506 0304 0102, 72623859790382856",
    "INT64, BADC, 0201 0403 0605 0807, 72623859790382856",
    "INT64, DCBA, 0807 0605 0403 0201, 72623859790382856",
    "INT64, ABCD, FFFF FFFF FFFF FFFF, -1",
    "UINT64, ABCD, FFFF FFFF FFFF FFFF, 18446744073709551615",
    "UINT64, DCBA, 0100 0000 0000 0000, 1",
    // float64 -1234.5678 = C0934A456D5CFAAD
    "FLOAT64, ABCD, C093 4A45 6D5C FAAD, -1234.5678",
    "FLOAT64, CDAB, FAAD 6D5C 4A45 C093, -1234.5678",
    "FLOAT64, BADC, 93C0 454A 5C6D ADFA, -1234.5678",
    "FLOAT64, DCBA, ADFA 5C6D 454A 93C0, -1234.5678",
  })
  void decodesEveryTypeInEveryOrder(DataType type, WordOrder order, String wire, double expected) {
    assertThat(RegisterDecoder.number(hex(wire), 0, type, order)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(expected))));
  }

  @Test
  void decodesAtAnOffsetInsideALargerRead() {
    byte[] wire = hex("0000 0000 42F6 E979 0000");
    assertThat(RegisterDecoder.number(wire, 2, DataType.FLOAT32, WordOrder.ABCD)).isEqualTo(123.456f);
  }

  @Test
  void toWireIsTheInverseOfCanonicalForEveryOrder() {
    byte[] canonical = hex("0102 0304 0506 0708");
    for (WordOrder o : WordOrder.values()) {
      assertThat(RegisterDecoder.canonical(RegisterDecoder.toWire(canonical, o), 0, 4, o)).isEqualTo(canonical);
    }
    assertThat(RegisterDecoder.toWire(canonical, WordOrder.CDAB)).isEqualTo(hex("0708 0506 0304 0102"));
  }

  @Test
  void stringsStopAtNulAndTrimAndSwapBytesPerRegister() {
    assertThat(RegisterDecoder.string(hex("4142 4344 2000"), 0, 3, WordOrder.ABCD)).isEqualTo("ABCD");
    assertThat(RegisterDecoder.string(hex("4241 4443"), 0, 2, WordOrder.BADC)).isEqualTo("ABCD");
    assertThat(RegisterDecoder.string(hex("41FF"), 0, 1, WordOrder.ABCD)).isEqualTo("A\uFFFD");
  }

  @Test
  void bitsOfRegistersAndCoils() {
    byte[] reg = hex("8001");
    assertThat(RegisterDecoder.bit(reg, 0, 0, WordOrder.ABCD)).isTrue();
    assertThat(RegisterDecoder.bit(reg, 0, 15, WordOrder.ABCD)).isTrue();
    assertThat(RegisterDecoder.bit(reg, 0, 1, WordOrder.ABCD)).isFalse();
    assertThat(RegisterDecoder.bit(reg, 0, 7, WordOrder.BADC)).isTrue();
    byte[] coils = {(byte) 0b0000_0101, (byte) 0b1000_0000};
    assertThat(RegisterDecoder.coil(coils, 0)).isTrue();
    assertThat(RegisterDecoder.coil(coils, 1)).isFalse();
    assertThat(RegisterDecoder.coil(coils, 2)).isTrue();
    assertThat(RegisterDecoder.coil(coils, 15)).isTrue();
  }
}
