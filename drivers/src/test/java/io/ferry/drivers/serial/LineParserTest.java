package io.ferry.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineParserTest {
  static SerialChannel field(String name, int i) {
    return new SerialChannel(ChannelId.of("t", name), "", new FieldRule.Field(",", i), false, 1, 0);
  }

  static SerialChannel regex(String name, String re, String group) {
    return new SerialChannel(ChannelId.of("t", name), "", new FieldRule.Regex(Pattern.compile(re), group), false, 1, 0);
  }

  final LineParser plain = new LineParser(Checksum.NONE, "*");

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
    "+2.345E+01 | 23.45",
    "-2.345e-01 | -0.2345",
    "12         | 12",
    "  7.5      | 7.5",
    ".5         | 0.5",
    "5.         | 5",
    "-0         | -0.0",
    "1E3        | 1000",
  })
  void numberFormats(String text, double expected) {
    LineParser.Result r = plain.parse(text, List.of(field("v", 0)), 1);
    assertThat(r).isInstanceOf(LineParser.Parsed.class);
    assertThat(((LineParser.Parsed) r).samples().get(0).value()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\" is not a number")
  @CsvSource({"NaN", "Infinity", "1.0f", "0x1A", "1.2.3", "--1", "1e", "12abc", "'+'", "1e999"})
  void notNumbers(String text) {
    assertThat(plain.parse(text, List.of(field("v", 0)), 1)).isInstanceOf(LineParser.Rejected.class);
  }

  @Test
  void fieldsAndRegexesOnOneLineWithAMissingChannel() {
    List<SerialChannel> cs = List.of(field("a", 0), field("b", 1), field("c", 5),
        regex("st", "ST=(?<value>[A-Z]+)", "value"), regex("p", "P=([-+.0-9]+)", "1"));
    LineParser.Parsed p = (LineParser.Parsed) plain.parse("+1.5,-2, ST=OK P=+3.25", cs, 9);
    assertThat(p.samples()).extracting(s -> s.channel().channel()).containsExactly("a", "b", "p");
    assertThat(p.samples()).extracting(Sample::value).containsExactly(1.5, -2.0, 3.25);
    assertThat(p.samples()).allSatisfy(s -> assertThat(s.timeMicros()).isEqualTo(9));
    assertThat(p.missed()).containsExactly("c", "st");   // st is text "OK", not a number
  }

  @Test
  void textChannelsScaleAndWhitespaceFields() {
    SerialChannel st = new SerialChannel(ChannelId.of("t", "st"), "", new FieldRule.Regex(Pattern.compile("ST=(\\w+)"), "1"), true, 1, 0);
    SerialChannel mv = new SerialChannel(ChannelId.of("t", "mv"), "", new FieldRule.Field(" ", 1), false, 0.001, 1);
    LineParser.Parsed p = (LineParser.Parsed) plain.parse("X   2500  ST=RUN", List.of(st, mv), 1);
    assertThat(p.samples().get(0).text()).isEqualTo("RUN");
    assertThat(p.samples().get(1).value()).isEqualTo(3.5);
  }

  @Test
  void checksums() {
    LineParser xor = new LineParser(Checksum.XOR, "*");
    // NMEA example: the checksum of GPGGA... computed by hand below
    String payload = "$T,+2.345E+01";
    String good = payload + "*" + Checksum.XOR.compute(payload);
    assertThat(xor.parse(good, List.of(field("v", 1)), 1)).isInstanceOf(LineParser.Parsed.class);
    assertThat(xor.parse(payload + "*00", List.of(field("v", 1)), 1)).isEqualTo(new LineParser.Rejected("checksum"));
    assertThat(xor.parse(payload, List.of(field("v", 1)), 1)).isEqualTo(new LineParser.Rejected("checksum"));
    assertThat(Checksum.XOR.compute("$GPGLL,5057.970,N,00146.110,E,142451,A")).isEqualTo("27");
    LineParser sum = new LineParser(Checksum.SUM8, ";");
    assertThat(Checksum.SUM8.compute("AB")).isEqualTo("83");
    assertThat(((LineParser.Parsed) sum.parse("12;" + Checksum.SUM8.compute("12"), List.of(field("v", 0)), 1)).samples())
        .extracting(Sample::value).containsExactly(12.0);
    assertThat(sum.parse("13;" + Checksum.SUM8.compute("12"), List.of(field("v", 0)), 1)).isInstanceOf(LineParser.Rejected.class);
  }

  @Test
  void garbageAndUnparsableLinesAreRejectedWhole() {
    assertThat(plain.parse("+1.0\u0000\u00ff", List.of(field("v", 0)), 1)).isInstanceOf(LineParser.Rejected.class)
        .extracting(r -> ((LineParser.Rejected) r).reason()).asString().startsWith("garbage");
    assertThat(plain.parse("ERR -113", List.of(regex("v", "V=([0-9.]+)", "1")), 1))
        .isEqualTo(new LineParser.Rejected("no channel could be read from the line"));
    assertThat(plain.parse("", List.of(field("v", 0)), 1)).isInstanceOf(LineParser.Rejected.class);
  }
}
