package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At run time the MQTT instrument and the MQTT uplinks read their TLS files through the same capped
 * reader as {@code ferry check}: a file replaced after check by {@code /dev/zero}, a pipe or text
 * fails the connect at once with check's sentence (it used to spin a thread at 60-90 % CPU reading
 * {@code /dev/zero}, or block on the pipe, and log nothing).
 */
class TlsSocketsTest {
  @TempDir Path dir;

  @Test
  void aDeviceAPipeOrTextInPlaceOfATlsFileFailsAtOnceInWords() throws Exception {
    Path fifo = dir.resolve("ca.pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path text = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    String[][] table = {
        {"/dev/zero", "ca", "CA file /dev/zero is a character device, not a regular file"},
        {fifo.toString(), "ca", "CA file " + fifo + " is a named pipe (FIFO), not a regular file"},
        {text.toString(), "ca", "CA file " + text + " holds no certificate (expected PEM, -----BEGIN CERTIFICATE-----, or DER)"},
        {"/dev/zero", "key", "key store /dev/zero is a character device, not a regular file"},
        {fifo.toString(), "key", "key store " + fifo + " is a named pipe (FIFO), not a regular file"},
        {dir.toString(), "key", "key store " + dir + " is a directory, not a file"}};
    for (String[] row : table) {
      Optional<Path> file = Optional.of(Path.of(row[0]));
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> TlsSockets.socketFactory(
          row[1].equals("ca") ? file : Optional.empty(), row[1].equals("key") ? file : Optional.empty(), "password-1".toCharArray()))
          .as(row[2]).isInstanceOf(TlsFiles.Unusable.class).hasMessage(row[2]));
    }
  }

  /** The key store check opened is the one presented: a key pair made by the JDK's keytool, its certificate as the CA file. */
  @Test
  void aValidClientKeyStoreAndCaFileGiveASocketFactory() throws Exception {
    Path p12 = dir.resolve("client.p12");
    Path pem = dir.resolve("client.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    assertThat(new ProcessBuilder(keytool, "-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=ferry-test", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
        "-storepass", "password-1", "-keypass", "password-1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor()).isZero();
    assertThat(new ProcessBuilder(keytool, "-exportcert", "-rfc", "-alias", "client", "-keystore", p12.toString(),
        "-storepass", "password-1", "-file", pem.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor()).isZero();
    assertThat(TlsSockets.socketFactory(Optional.of(pem))).isNotNull();
    assertThat(TlsSockets.socketFactory(Optional.empty())).isNotNull();
    assertThat(TlsSockets.socketFactory(Optional.of(pem), Optional.of(p12), "password-1".toCharArray())).isNotNull();
    assertThatThrownBy(() -> TlsSockets.socketFactory(Optional.of(pem), Optional.of(p12), "password-2".toCharArray()))
        .hasMessage("key store " + p12 + " does not open with clientKeyStorePassword (wrong password)");
  }
}
