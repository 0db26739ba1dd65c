package io.ferry.drivers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.drivers.modbus.codec.DataType;
import io.ferry.drivers.modbus.codec.RegisterDecoder;
import io.ferry.drivers.modbus.codec.WordOrder;
import io.ferry.drivers.serial.Checksum;
import io.ferry.drivers.serial.FieldRule;
import io.ferry.drivers.serial.LineParser;
import io.ferry.drivers.serial.SerialChannel;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Field reports kept as data files under src/test/resources/.../regressions, named after what they reproduce. */
class RegressionCasesTest {
  static Stream<Path> files(String dir) throws Exception {
    Path root = Path.of(RegressionCasesTest.class.getResource(dir).toURI());
    return Files.list(root).sorted();
  }

  @TestFactory
  Stream<DynamicTest> modbusDecoding() throws Exception {
    return files("/io/ferry/drivers/modbus/regressions").flatMap(f -> lines(f).stream().map(line -> {
      String[] c = line.split("\\|");
      return DynamicTest.dynamicTest(f.getFileName() + ": " + line, () -> {
        byte[] wire = HexFormat.of().parseHex(c[0].replace(" ", "").trim());
        DataType type = DataType.valueOf(c[1].trim().toUpperCase(Locale.ROOT));
        double v = RegisterDecoder.number(wire, 0, type, WordOrder.valueOf(c[2].trim()));
        assertThat(v).isEqualTo(Double.parseDouble(c[3].trim()));
      });
    }));
  }

  @TestFactory
  Stream<DynamicTest> serialLinesThatMustNeverBecomeValues() throws Exception {
    LineParser parser = new LineParser(Checksum.NONE, "*");
    SerialChannel field0 = new SerialChannel(ChannelId.of("t", "v"), "", new FieldRule.Field(",", 0), false, 1, 0);
    return files("/io/ferry/drivers/serial/regressions").flatMap(f -> lines(f).stream().map(line ->
        DynamicTest.dynamicTest(f.getFileName() + ": " + line, () ->
            assertThat(parser.parse(unescape(line), List.of(field0), 1)).isInstanceOf(LineParser.Rejected.class))));
  }

  static List<String> lines(Path f) {
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
        sb.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        sb.append(s.charAt(i));
      }
    }
    return sb.toString();
  }
}
