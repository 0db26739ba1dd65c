package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.Sample;
import io.ferry.drivers.opcua.security.ClientCertificate;
import io.ferry.drivers.opcua.security.ServerTrust;
import io.ferry.drivers.opcua.security.Thumbprints;
import io.ferry.drivers.spi.DriverContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Secure endpoints: server-certificate trust, SignAndEncrypt with a username, every supported policy. */
class OpcUaSecurityTest {
  static TestOpcUaServer server;
  static X509Certificate serverCert;
  /** Shared by the class so the client certificate is generated once; each test has its own trust directory. */
  @TempDir static Path state;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = SharedServer.get();
    serverCert = TestOpcUaServer.certificate();
  }

  private OpcUaPollingDriver open(String policy, String mode, String password) {
    String yaml = "id: press1\ndriver: opcua\npoll: 1s\nconnection:\n  endpoint: " + server.endpoint() + "\n"
        + "  securityPolicy: " + policy + "\n  securityMode: " + mode + "\n"
        + "  username: " + TestOpcUaServer.USER + "\n  password: ${env:OPC_PASSWORD}\n  backoffInitial: 100ms\n"
        + "  pkiDir: " + tmp.resolve("pki") + "\n"
        + "channels:\n  - {name: pressure, node: \"ns=2;s=Plant/Pressure\"}\n";
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml, Map.of("OPC_PASSWORD", password));
    return (OpcUaPollingDriver) new OpcUaDriverFactory().open(plan, new DriverContext(InstantSource.system(), state, new RecordingMetrics()));
  }

  private void trustServer() throws Exception {
    new ServerTrust(tmp.resolve("pki"), InstantSource.system()).trust(serverCert);
  }

  @Test
  void untrustedServerCertificateIsRejectedWithTheDocumentedMessage() throws Exception {
    try (OpcUaPollingDriver driver = open("Basic256Sha256", "SignAndEncrypt", TestOpcUaServer.PASSWORD)) {
      Throwable t = Connecting.awaitFailure(driver);
      String thumbprint = Thumbprints.colons(Thumbprints.sha1(serverCert));
      assertThat(t).isInstanceOf(OpcUaConnectException.class)
          .hasMessageContaining("server certificate of " + server.endpoint() + " is not trusted")
          .hasMessageContaining("SHA-1 thumbprint " + thumbprint)
          .hasMessageContaining("ferry opcua trust --config DIR --instrument press1");
      assertThat(((OpcUaConnectException) t).needsOperator()).isTrue();
      assertThat(tmp.resolve("pki/rejected/" + Thumbprints.sha1(serverCert) + ".der")).exists();
      assertThat(tmp.resolve("pki/trusted")).doesNotExist();
    }
  }

  @Test
  void signAndEncryptWithUsernameOnceTheServerIsTrusted() throws Exception {
    trustServer();
    try (OpcUaPollingDriver driver = open("Basic256Sha256", "SignAndEncrypt", TestOpcUaServer.PASSWORD)) {
      assertThat(Connecting.awaitConnected(driver).poll()).extracting(Sample::value).containsExactly(4.5);
    }
    assertThat(Files.exists(ClientCertificate.file(state))).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"Aes128_Sha256_RsaOaep, SignAndEncrypt", "Aes256_Sha256_RsaPss, Sign", "Basic256Sha256, Sign"})
  void everySupportedPolicyConnects(String policy, String mode) throws Exception {
    trustServer();
    try (OpcUaPollingDriver driver = open(policy, mode, TestOpcUaServer.PASSWORD)) {
      assertThat(Connecting.awaitConnected(driver).poll()).extracting(Sample::value).containsExactly(4.5);
    }
  }

  /** A PKCS#12 file with a user certificate whose common name is {@code cn}. */
  private Path userKeyStore(String cn, String password) throws Exception {
    java.security.KeyPair kp = org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate cert = new org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder(kp).setCommonName(cn)
        .setApplicationUri("urn:ferry:test-user").build();
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("user", kp.getPrivate(), password.toCharArray(), new X509Certificate[] {cert});
    Path file = tmp.resolve(cn.replace(' ', '-') + ".p12");
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
    return file;
  }

  private OpcUaPollingDriver openWithUserCertificate(Path p12) {
    String yaml = "id: press1\ndriver: opcua\nconnection:\n  endpoint: " + server.endpoint() + "\n"
        + "  securityPolicy: Basic256Sha256\n  securityMode: SignAndEncrypt\n"
        + "  userCertificate: " + p12 + "\n  userCertificatePassword: ${env:P12_PASSWORD}\n"
        + "  pkiDir: " + tmp.resolve("pki") + "\n"
        + "channels:\n  - {name: pressure, node: \"ns=2;s=Plant/Pressure\"}\n";
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml, Map.of("P12_PASSWORD", "p12-pw"));
    return (OpcUaPollingDriver) new OpcUaDriverFactory().open(plan, new DriverContext(InstantSource.system(), state, new RecordingMetrics()));
  }

  @Test
  void x509UserIdentityIsAcceptedOrRefusedByTheServer() throws Exception {
    trustServer();
    try (OpcUaPollingDriver driver = openWithUserCertificate(userKeyStore(TestOpcUaServer.X509_USER, "p12-pw"))) {
      assertThat(Connecting.awaitConnected(driver).poll()).extracting(Sample::value).containsExactly(4.5);
    }
    try (OpcUaPollingDriver driver = openWithUserCertificate(userKeyStore("Somebody else", "p12-pw"))) {
      assertThat(Connecting.awaitFailure(driver)).isInstanceOf(OpcUaConnectException.class).hasMessageContaining("certificate");
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithoutShowingIt() throws Exception {
    trustServer();
    String wrong = "not-the-password-42";
    try (OpcUaPollingDriver driver = open("Basic256Sha256", "SignAndEncrypt", wrong)) {
      Throwable t = Connecting.awaitFailure(driver);
      assertThat(t).isInstanceOf(OpcUaConnectException.class).hasMessageContaining("cannot connect").hasMessageNotContaining(wrong);
      assertThat(((OpcUaConnectException) t).needsOperator()).isTrue();
    }
  }
}
