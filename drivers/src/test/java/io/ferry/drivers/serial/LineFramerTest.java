package io.ferry.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {
  static List<String> feed(LineFramer f, String... chunks) {
    List<String> out = new ArrayList<>();
    for (String c : chunks) {
      byte[] b = c.getBytes(StandardCharsets.ISO_8859_1);
      out.addAll(f.feed(b, 0, b.length));
    }
    return out;
  }

  @Test
  void linesSplitAcrossReadsAndCrLf() {
    LineFramer f = new LineFramer("\n", 100);
    assertThat(feed(f, "+1.0,+2", ".0\r\n+3", ".0\n\n")).containsExactly("+1.0,+2.0", "+3.0", "");
  }

  @Test
  void multiByteTerminatorSplitAcrossReads() {
    LineFramer f = new LineFramer("\r\n", 100);
    assertThat(feed(f, "a\r", "\nb\r\nc")).containsExactly("a", "b");
    assertThat(f.reset()).isEqualTo(1);
  }

  @Test
  void overlongLinesAreDroppedUpToTheNextTerminatorAndCounted() {
    LineFramer f = new LineFramer("\n", 16);
    assertThat(feed(f, "x".repeat(40), "y".repeat(40), "\nok\n")).containsExactly("ok");
    assertThat(f.overlong()).isEqualTo(1);
    assertThat(feed(f, "z".repeat(16) + "\n")).containsExactly("z".repeat(16));
  }

  @Test
  void carriageReturnTerminator() {
    LineFramer f = new LineFramer("\r", 100);
    assertThat(feed(f, "12\r13\r")).containsExactly("12", "13");
  }
}
