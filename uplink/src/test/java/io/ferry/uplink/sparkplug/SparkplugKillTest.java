package io.ferry.uplink.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.testsupport.mqtt.Broker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the agent's JVM: the broker publishes the NDEATH will, with the bdSeq of the NBIRTH. */
class SparkplugKillTest {
  @TempDir Path dir;

  @Test
  void theWillIsPublishedWhenTheAgentsJvmIsKilled() throws Exception {
    Broker broker = new Broker(dir.resolve("broker"));
    broker.start();
    try (SparkplugHost host = new SparkplugHost(broker.url(), "plant", "scada")) {
      Files.createDirectories(dir.resolve("agent"));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
          "-Dlogback.configurationFile=none", "-cp", System.getProperty("java.class.path"), SparkplugChild.class.getName(),
          broker.url(), dir.resolve("agent").toFile().getAbsolutePath())
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null && !line.equals("DELIVERED")) {
          // the child's other output, if any
        }
        assertThat(line).as("the child delivered a sample").isEqualTo("DELIVERED");
        await().atMost(Duration.ofSeconds(10)).until(() -> host.values.size() == 1);
        assertThat(host.ofType("NDEATH")).isEmpty();
        child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no DISCONNECT
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> host.ofType("NDEATH").size() == 1);
      assertThat(host.ofType("NDEATH").get(0).bdSeq()).isEqualTo(host.ofType("NBIRTH").get(0).bdSeq());
      assertThat(host.ofType("NDEATH").get(0).qos()).isEqualTo(1);
    } finally {
      broker.stop();
    }
  }
}
