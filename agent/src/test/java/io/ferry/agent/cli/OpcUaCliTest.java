package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.drivers.opcua.InstrumentState;
import io.ferry.drivers.opcua.TestOpcUaServer;
import io.ferry.drivers.opcua.security.Thumbprints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ferry opcua trust} and {@code ferry browse opcua} against an in-process Milo server. */
class OpcUaCliTest {
  static TestOpcUaServer server;
  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    // Milo logs every frame at DEBUG under the default configuration; keep the test output readable.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.eclipse.milo")).setLevel(ch.qos.logback.classic.Level.INFO);
    server = new TestOpcUaServer(new TestOpcUaServer.Options(10_000, 0, true), Map.of("Pressure", 4.5, "Mode", "auto"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  record Run(int exit, String out, String err) {}

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path config() throws Exception {
    Files.createDirectories(dir.resolve("cfg/instruments.d"));
    // a real configuration also names uplinks, which this command does not know about
    Files.writeString(dir.resolve("cfg/agent.yaml"), "gatewayId: test\nstateDir: " + dir.resolve("state")
        + "\nuplinks:\n  local: {type: jsonl, path: out.jsonl}\n");
    Files.writeString(dir.resolve("cfg/instruments.d/press1.yaml"), "id: press1\ndriver: opcua\nuplinks: [local]\nconnection:\n  endpoint: " + server.endpoint()
        + "\n  securityPolicy: Basic256Sha256\n  securityMode: SignAndEncrypt\nchannels:\n  - {name: pressure, node: \"ns=2;s=Plant/Pressure\"}\n");
    return dir.resolve("cfg");
  }

  @Test
  void trustShowsTheThumbprintAndStoresTheCertificateWhereTheDriverLooks() throws Exception {
    Path cfg = config();
    String sha1 = Thumbprints.sha1(TestOpcUaServer.certificate());
    Run r = run(new OpcUaCommand(), "trust", "--config", cfg.toString(), "--instrument", "press1");
    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains(Thumbprints.colons(sha1)).contains("Trusted for instrument press1");
    Path stored = InstrumentState.dir(dir.resolve("state"), "press1").resolve("pki/trusted/" + sha1 + ".der");
    assertThat(stored).exists();
    assertThat(Files.readAllBytes(stored)).isEqualTo(TestOpcUaServer.certificate().getEncoded());

    // browsing with the instrument's settings now passes the trust check over SignAndEncrypt
    Run browse = run(new BrowseCommand(), "opcua", "--config", cfg.toString(), "--instrument", "press1", "--node", "ns=2;s=Plant");
    assertThat(browse.exit()).as(browse.err()).isEqualTo(0);
    assertThat(browse.out()).contains("ns=2;s=Plant/Pressure").contains("4.5");

    Run again = run(new OpcUaCommand(), "trust", "--config", cfg.toString(), "--instrument", "press1");
    assertThat(again.out()).contains("Already trusted");
  }

  @Test
  void trustRefusesACertificateWithAnotherThumbprint() throws Exception {
    Path cfg = config();
    Run r = run(new OpcUaCommand(), "trust", "--config", cfg.toString(), "--instrument", "press1", "--expect-thumbprint", "00:11:22");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("nothing stored");
    assertThat(InstrumentState.dir(dir.resolve("state"), "press1").resolve("pki/trusted")).doesNotExist();
  }

  @Test
  void trustNamesAnUnknownInstrument() throws Exception {
    Path cfg = config();
    Run r = run(new OpcUaCommand(), "trust", "--config", cfg.toString(), "--instrument", "boiler9");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("no instrument \"boiler9\"");
  }

  @Test
  void browseListsIdsTypesAndValues() {
    Run r = run(new BrowseCommand(), "opcua", "--endpoint", server.endpoint(), "--node", "ns=2;s=Plant");
    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("ns=2;s=Plant/Pressure").contains("Double").contains("4.5")
        .contains("ns=2;s=Plant/Mode").contains("String").contains("auto");
    Run yaml = run(new BrowseCommand(), "opcua", "--endpoint", server.endpoint(), "--node", "ns=2;s=Plant", "--yaml");
    assertThat(yaml.out()).contains("- {name: Pressure, node: \"ns=2;s=Plant/Pressure\"}");
  }

  @Test
  void browseNeedsAnEndpointOrAnInstrument() {
    assertThat(run(new BrowseCommand(), "opcua").exit()).isEqualTo(2);
  }
}
