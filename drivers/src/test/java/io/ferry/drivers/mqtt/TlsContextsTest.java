package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.config.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT instrument reads its CA file at each connect through check's capped reader: a file
 * replaced after check by {@code /dev/zero} or a pipe fails the connect at once, in words (it used
 * to spin a thread at 60 % CPU on {@code /dev/zero}).
 */
class TlsContextsTest {
  @TempDir Path dir;

  @Test
  void aDeviceAPipeOrTextInPlaceOfTheCaFileFailsAtOnceInWords() throws Exception {
    Path fifo = dir.resolve("ca.pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path text = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    String[][] table = {
        {"/dev/zero", "CA file /dev/zero is a character device, not a regular file"},
        {fifo.toString(), "CA file " + fifo + " is a named pipe (FIFO), not a regular file"},
        {text.toString(), "CA file " + text + " holds no certificate (expected PEM, -----BEGIN CERTIFICATE-----, or DER)"}};
    for (String[] row : table) {
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> TlsContexts.socketFactory(Optional.of(Path.of(row[0]))))
          .isInstanceOf(TlsFiles.Unusable.class).hasMessage(row[1]));
    }
    assertThat(TlsContexts.socketFactory(Optional.of(TestCertificates.ca("Run CA").writePem(dir.resolve("real.pem"))))).isNotNull();
  }
}
