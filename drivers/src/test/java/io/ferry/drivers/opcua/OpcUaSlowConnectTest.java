package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.StillConnectingException;
import io.ferry.drivers.testsupport.TcpProxy;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connecting is not polling: a server slow to answer the connect (a SignAndEncrypt handshake on a
 * small PLC can take seconds) must not turn the first polls into failures or timeouts. The proxy
 * holds every new connection until the test lets it through, so "slow" here is as long as the
 * test wants, not a guessed duration.
 */
class OpcUaSlowConnectTest {
  static TestOpcUaServer server;
  @TempDir static Path state;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = SharedServer.get();
  }

  private OpcUaPollingDriver open(int port, RecordingMetrics metrics) {
    String yaml = "id: slow\ndriver: opcua\npoll: 1s\nconnection:\n  endpoint: opc.tcp://127.0.0.1:" + port + "/ferry\n"
        + "channels:\n  - {name: double, node: \"" + TestOpcUaServer.node("Double") + "\"}\n";
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml, Map.of());
    return (OpcUaPollingDriver) new OpcUaDriverFactory().open(plan, new DriverContext(InstantSource.system(), state, metrics));
  }

  @Test
  void pollsWhileTheConnectionIsHeldAreSkippedAsConnectingAndTheFirstSampleFollowsTheConnection() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      CountDownLatch slowServer = new CountDownLatch(1);
      proxy.hold = slowServer;
      try (OpcUaPollingDriver driver = open(proxy.port(), metrics)) {
        // The connect runs on the driver's own thread: each poll answers "connecting" at once instead of
        // waiting for the handshake (which would block here until the connect timeout and then fail).
        for (int i = 0; i < 3; i++) {
          assertThatThrownBy(driver::poll).isInstanceOf(StillConnectingException.class).hasMessageContaining("connecting to");
        }
        assertThat(driver.isConnected()).isFalse();

        slowServer.countDown();
        Connecting.awaitConnected(driver);
        assertThat(driver.poll()).extracting(Sample::value).containsExactly(2.25);
      }
    }
    assertThat(metrics.count("connectFailures")).isZero();
    assertThat(metrics.count("errors")).isZero();
    assertThat(metrics.states).containsSubsequence("connecting", "connected");
  }

  @Test
  void aFailedConnectionIsRetriedByTheDriverItselfAndPollsMeanwhileReportTheFailure() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      proxy.cut(); // the port refuses: the server is not there yet
      try (OpcUaPollingDriver driver = open(proxy.port(), metrics)) {
        await().atMost(Connecting.LIMIT).until(() -> metrics.count("connectFailures") >= 1);
        // An unreachable server is a failure the operator must see, not "connecting".
        assertThat(Connecting.awaitFailure(driver)).isInstanceOf(OpcUaConnectException.class).hasMessageContaining("not connected")
            .hasMessageContaining("Connection refused").hasMessageNotContaining("Exception");

        proxy.start();
        // No poll is needed to try again: the next attempt is the driver's own, after the backoff.
        Connecting.awaitConnected(driver);
        assertThat(driver.poll()).extracting(Sample::value).containsExactly(2.25);
      }
    }
  }
}
