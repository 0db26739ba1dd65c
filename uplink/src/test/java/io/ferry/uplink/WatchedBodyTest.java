package io.ferry.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WatchedBodyTest {
  static final MediaType TEXT = MediaType.get("text/plain");

  static Stream<Arguments> bodies() {
    return Stream.of(
        Arguments.of("", 0L),
        Arguments.of("a", 1L),
        Arguments.of("{\"x\":21.5}", 10L),
        Arguments.of("ü", 2L), // bytes on the wire, not characters
        Arguments.of("x".repeat(100_000), 100_000L)); // more than one segment of Okio's buffer
  }

  @ParameterizedTest(name = "{1} bytes")
  @MethodSource("bodies")
  void countingAddsWhatIsWrittenAndPassesTheBytesUnchanged(String text, long bytes) throws IOException {
    AtomicLong written = new AtomicLong(5);
    RequestBody plain = RequestBody.create(text, TEXT);
    RequestBody body = WatchedBody.counting(plain, written);
    Buffer wire = new Buffer();
    body.writeTo(wire);
    assertThat(wire.readUtf8()).isEqualTo(text);
    assertThat(written.get()).isEqualTo(5 + bytes);
    assertThat(body.contentLength()).isEqualTo(bytes);
    assertThat(body.contentType()).isEqualTo(plain.contentType());
  }

  @ParameterizedTest(name = "{1} bytes")
  @MethodSource("bodies")
  void notingStartIsSetByTheWriteAlone(String text, long bytes) throws IOException {
    AtomicBoolean started = new AtomicBoolean();
    RequestBody body = WatchedBody.notingStart(RequestBody.create(text, TEXT), started);
    assertThat(body.contentLength()).isEqualTo(bytes);
    assertThat(started).isFalse();
    Buffer wire = new Buffer();
    body.writeTo(wire);
    assertThat(started).isTrue();
    assertThat(wire.readUtf8()).isEqualTo(text);
  }

  @Test
  void startIsNotedEvenWhenTheWriteFails() throws IOException {
    AtomicBoolean started = new AtomicBoolean();
    RequestBody failing = new RequestBody() {
      @Override
      public MediaType contentType() {
        return TEXT;
      }

      @Override
      public void writeTo(okio.BufferedSink sink) throws IOException {
        throw new IOException("connection reset");
      }
    };
    RequestBody body = WatchedBody.counting(WatchedBody.notingStart(failing, started), new AtomicLong());
    // The request may have reached the server: that is what started says.
    assertThatThrownBy(() -> body.writeTo(new Buffer())).isInstanceOf(IOException.class);
    assertThat(started).isTrue();
    assertThat(body.contentLength()).isEqualTo(-1);
  }
}
