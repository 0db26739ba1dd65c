package io.ferry.agent.cli;

import static io.ferry.agent.cli.BrokenConfigsTest.ENV;
import static io.ferry.agent.cli.BrokenConfigsTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.agent.cli.BrokenConfigsTest.Run;
import io.ferry.drivers.mqtt.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry check} reads every TLS file a configuration names the way {@code run} will use it,
 * in each place one is named (MQTT uplink {@code caFile} and {@code clientKeyStore}, MQTT
 * instrument {@code tls.caFile}, OPC UA {@code userCertificate}): a device, a named pipe, a
 * directory, a file of the wrong kind, a wrong key-store password and a key that does not belong to
 * its certificate are each one located line, within the hang guard (a pipe is never opened,
 * {@code /dev/zero} never read). The certificates are generated here; no private key is committed.
 * In the style of {@link BrokenConfigsTest}, with the directories built at test time because a pipe
 * and a generated key cannot be committed.
 */
class TlsFilesCheckTest {
  static final String AGENT = "gatewayId: gw-test\nstateDir: /tmp/ferry-broken-config-never-written\n"
      + "uplinks:\n  local:\n    type: jsonl\n    path: out.jsonl\n";
  static final String SIM = "id: sim\ndriver: simulated\npoll: 1s\nuplinks: [local]\nchannels:\n  - {name: temp, wave: sine}\n";

  /** One place a TLS file is named: the files of the configuration with {@code %s} for it, and where the value stands. */
  record Place(String name, String file, String yaml, String at, boolean keyStore) {}

  static final List<Place> PLACES = List.of(
      new Place("mqtt uplink caFile", "agent.yaml",
          AGENT + "  broker:\n    type: mqtt\n    url: ssl://127.0.0.1:8883\n    caFile: %s\n",
          "agent.yaml:10:13 uplinks.broker.caFile: ", false),
      new Place("mqtt uplink clientKeyStore", "agent.yaml",
          AGENT + "  broker:\n    type: mqtt\n    url: ssl://127.0.0.1:8883\n    clientKeyStore: %s\n"
              + "    clientKeyStorePassword: ${env:FERRY_TEST_GS_KEY}\n",
          "agent.yaml:10:21 uplinks.broker.clientKeyStore: ", true),
      new Place("mqtt instrument tls.caFile", "instruments.d/plant.yaml",
          "id: plant\ndriver: mqtt\nuplinks: [local]\nconnection:\n  url: ssl://127.0.0.1:8883\n  tls:\n    caFile: %s\n"
              + "subscriptions:\n  - {topic: plant/temp, payload: number, channel: temp}\nchannels:\n  - {name: temp}\n",
          "instruments.d/plant.yaml:7:13 connection.tls.caFile: ", false),
      new Place("opcua userCertificate", "instruments.d/press.yaml",
          "id: press\ndriver: opcua\nuplinks: [local]\nconnection:\n  endpoint: opc.tcp://127.0.0.1:4840\n"
              + "  userCertificate: %s\n  userCertificatePassword: ${env:FERRY_TEST_GS_KEY}\n"
              + "channels:\n  - {name: temp, node: \"ns=2;s=Temp\"}\n",
          "instruments.d/press.yaml:6:20 connection.userCertificate: ", true));

  @TempDir static Path files;
  static Path caPem;
  static Path clientP12;
  static Path wrongPasswordP12;
  static Path mismatchedP12;
  static Path fifo;
  static Path notPem;

  @BeforeAll
  static void material() throws Exception {
    TestCertificates.Ca ca = TestCertificates.ca("Ferry Check CA");
    caPem = ca.writePem(files.resolve("ca.pem"));
    clientP12 = TestCertificates.clientKeyStore(ca, files.resolve("client.p12"), SECRET);
    wrongPasswordP12 = TestCertificates.clientKeyStore(ca, files.resolve("other-password.p12"), "another-password-42");
    mismatchedP12 = TestCertificates.mismatchedKeyStore(ca, files.resolve("mismatched.p12"), SECRET);
    fifo = files.resolve("tls.pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    notPem = Files.writeString(files.resolve("notes.txt"), "this is not a certificate\n");
  }

  @TempDir Path dir;

  /** A fresh configuration directory: the valid one with the place's file naming {@code named}. */
  Run check(Place place, Path named) throws Exception {
    Path config = Files.createTempDirectory(dir, "config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(config.resolve("agent.yaml"), AGENT);
    Files.writeString(config.resolve("instruments.d/sim.yaml"), SIM);
    Files.writeString(config.resolve(place.file()), place.yaml().formatted(named));
    return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> BrokenConfigsTest.check(config, ENV));
  }

  @Test
  void theValidFilesPassInEveryPlace() throws Exception {
    for (Place p : PLACES) {
      Run r = check(p, p.keyStore() ? clientP12 : caPem);
      assertThat(r.exit()).as("%s:%n%s", p.name(), r.out()).isZero();
    }
  }

  @Test
  void everyUnusableFileIsOneLocatedLineInEveryPlace() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Place p : PLACES) {
      String what = p.keyStore() ? "key store " : "CA file ";
      List<String[]> cases = new ArrayList<>(List.of(
          new String[] {"/dev/zero", what + "/dev/zero is a character device, not a regular file"},
          new String[] {fifo.toString(), what + fifo + " is a named pipe (FIFO), not a regular file"},
          new String[] {files.toString(), what + files + " is a directory, not a file"},
          new String[] {files.resolve("absent.pem").toString(), what + files.resolve("absent.pem") + " does not exist"}));
      if (p.keyStore()) {
        String passwordKey = p.at().substring(p.at().indexOf(' ') + 1, p.at().length() - 2) + "Password";
        cases.add(new String[] {notPem.toString(),
            what + notPem + " is not a PKCS#12 file (.p12 or .pfx with the client certificate and its key)"});
        cases.add(new String[] {caPem.toString(),
            what + caPem + " is not a PKCS#12 file (.p12 or .pfx with the client certificate and its key)"});
        cases.add(new String[] {wrongPasswordP12.toString(),
            what + wrongPasswordP12 + " does not open with " + passwordKey + " (wrong password)"});
        cases.add(new String[] {mismatchedP12.toString(),
            what + mismatchedP12 + ": the private key \"client\" does not belong to its certificate (CN=ferry-test-client)"});
      } else {
        cases.add(new String[] {notPem.toString(),
            what + notPem + " holds no certificate (expected PEM, -----BEGIN CERTIFICATE-----, or DER)"});
        cases.add(new String[] {clientP12.toString(),
            what + clientP12 + " holds no certificate (expected PEM, -----BEGIN CERTIFICATE-----, or DER)"});
      }
      for (String[] c : cases) {
        Run r = check(p, Path.of(c[0]));
        List<String> lines = r.out().lines().toList();
        String expected = p.at() + c[1];
        if (r.exit() != Main.EXIT_INVALID || lines.size() != 2 || !lines.get(0).equals(expected)
            || r.out().contains("Exception") || r.out().contains("\tat ") || r.out().contains(SECRET)) {
          failures.add(p.name() + " / " + c[0] + ": expected exit 1 and\n  " + expected + "\ngot exit " + r.exit() + ":\n  "
              + String.join("\n  ", lines));
        }
      }
    }
    assertThat(failures).as(String.join("\n\n", failures)).isEmpty();
  }
}
