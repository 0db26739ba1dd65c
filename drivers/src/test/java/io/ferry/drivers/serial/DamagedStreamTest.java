package io.ferry.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A streaming instrument printing {@code T=23.4517 P=1013.2471 H=45.1093} with 30 % of its lines
 * damaged as in the field: random bytes before a line, a line cut short that runs into the next,
 * a line split over two writes. Read through the framer and the parser with the patterns an
 * operator would write, no value may be wrong: every sample is exactly a value that was sent,
 * and what is dropped is counted as malformed or garbage.
 *
 * <p>Every sent value has four decimals ending in a non-zero digit, so a value cut short
 * ({@code 23.451} from {@code 23.4517}) can never pass for a sent one.
 */
class DamagedStreamTest {
  static final List<SerialChannel> CHANNELS = List.of(
      regex("T", "T=(?<value>[-+0-9.]+)"), regex("P", "P=(?<value>[-+0-9.]+)"), regex("H", "H=(?<value>[-+0-9.]+)"));
  /** The instrument's line as its manual gives it: fixed decimals, so a line cut inside its last value does not match. */
  static final Pattern LINE = Pattern.compile("T=-?\\d+\\.\\d{4} P=-?\\d+\\.\\d{4} H=-?\\d+\\.\\d{4}");

  static SerialChannel regex(String name, String re) {
    return new SerialChannel(ChannelId.of("bench", name), "", new FieldRule.Regex(Pattern.compile(re), "value"), false, 1, 0);
  }

  /** A value with four decimals whose last digit is not 0. */
  static String value(Random r, int whole) {
    int frac = r.nextInt(1000) * 10 + 1 + r.nextInt(9);
    return String.format(Locale.ROOT, "%d.%04d", whole + r.nextInt(10), frac);
  }

  record Stream(List<byte[]> writes, Map<String, Set<Double>> sent, int damaged, int complete) {}

  static Stream damagedStream(long seed, int lines, boolean cutEndsLine) {
    Random r = new Random(seed);
    List<byte[]> writes = new ArrayList<>();
    Map<String, Set<Double>> sent = new HashMap<>();
    int damaged = 0;
    int complete = 0;
    for (int i = 0; i < lines; i++) {
      String t = value(r, 20);
      String p = value(r, 1000);
      String h = value(r, 40);
      String line = "T=" + t + " P=" + p + " H=" + h;
      sent.computeIfAbsent("T", k -> new HashSet<>()).add(Double.parseDouble(t));
      sent.computeIfAbsent("P", k -> new HashSet<>()).add(Double.parseDouble(p));
      sent.computeIfAbsent("H", k -> new HashSet<>()).add(Double.parseDouble(h));
      int damage = r.nextInt(10) < 3 ? 1 + r.nextInt(3) : 0;
      damaged += damage > 0 ? 1 : 0;
      switch (damage) {
        case 1 -> { // random bytes (printable or not) before the line
          byte[] noise = new byte[1 + r.nextInt(6)];
          for (int k = 0; k < noise.length; k++) {
            noise[k] = (byte) r.nextInt(256);
            if (noise[k] == '\n') {
              noise[k] = '#';
            }
          }
          writes.add(noise);
          writes.add((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        case 2 -> { // cut short: runs into the next line, or (cutEndsLine) ends there
          String cut = line.substring(0, 2 + r.nextInt(line.length() - 3));
          writes.add((cut + (cutEndsLine ? "\r\n" : "")).getBytes(StandardCharsets.US_ASCII));
        }
        case 3 -> { // split in two writes
          int at = 1 + r.nextInt(line.length() - 1);
          writes.add(line.substring(0, at).getBytes(StandardCharsets.US_ASCII));
          writes.add((line.substring(at) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          complete++;
        }
        default -> {
          writes.add((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
          complete++;
        }
      }
    }
    return new Stream(writes, sent, damaged, complete);
  }

  record Outcome(List<Sample> samples, Map<String, Integer> rejected) {}

  static Outcome read(Stream s, LineParser parser) {
    LineFramer framer = new LineFramer("\n", 1024);
    List<Sample> samples = new ArrayList<>();
    Map<String, Integer> rejected = new HashMap<>();
    for (byte[] w : s.writes()) {
      for (String line : framer.feed(w, 0, w.length)) {
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        LineParser.Result r = parser.parse(l, CHANNELS, 1);
        if (r instanceof LineParser.Parsed p) {
          samples.addAll(p.samples());
        } else {
          String reason = ((LineParser.Rejected) r).reason();
          rejected.merge(reason.startsWith("garbage") ? "garbage" : reason.startsWith("malformed") ? "malformed" : reason, 1,
              Integer::sum);
        }
      }
    }
    return new Outcome(samples, rejected);
  }

  static void assertNoWrongValue(Stream s, Outcome o) {
    for (Sample sample : o.samples()) {
      assertThat(s.sent().get(sample.channel().channel()))
          .as("%s = %s was never sent", sample.channel(), sample.value())
          .contains(sample.value());
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 789})
  void aLineCutShortThatRunsIntoTheNextNeverYieldsAValue(long seed) {
    Stream s = damagedStream(seed, 789, false);
    Outcome o = read(s, new LineParser(Checksum.NONE, "*"));
    assertNoWrongValue(s, o);
    assertThat(s.damaged()).isGreaterThan(150);
    assertThat(o.rejected().getOrDefault("malformed", 0)).isPositive();
    // every undamaged or split line still yields its three values
    assertThat(o.samples().size()).isGreaterThanOrEqualTo(3 * s.complete() - 3 * s.damaged());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 789})
  void withTheWholeLinePatternALineCutShortAtItsEndIsDroppedToo(long seed) {
    Stream s = damagedStream(seed, 789, true);
    Outcome withoutLinePattern = read(s, new LineParser(Checksum.NONE, "*"));
    Outcome o = read(s, new LineParser(Checksum.NONE, "*", Optional.of(LINE)));
    assertNoWrongValue(s, o);
    assertThat(o.rejected().getOrDefault("malformed", 0)).isPositive();
    // the same stream without the line pattern does yield wrong values: the pattern is what protects
    assertThat(withoutLinePattern.samples()).anyMatch(x -> !s.sent().get(x.channel().channel()).contains(x.value()));
  }
}
