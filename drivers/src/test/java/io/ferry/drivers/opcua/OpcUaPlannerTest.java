package io.ferry.drivers.opcua;

import io.ferry.config.Problem;
import io.ferry.drivers.opcua.security.Identity;
import io.ferry.drivers.opcua.security.SecurityChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/** Planning is pure: YAML in, an immutable plan or located problems out. */
class OpcUaPlannerTest {
  @TempDir Path dir;

  static final String HEAD = "id: press1\ndriver: opcua\n";

  @Test
  void plansAFullSubscribeInstrument() {
    OpcUaPlan p = Plans.valid(dir, HEAD + """
        mode: subscribe
        timestamp: server
        connection:
          endpoint: opc.tcp://10.0.0.5:4840/plc
          securityPolicy: Aes256_Sha256_RsaPss
          securityMode: Sign
          username: ferry
          password: ${env:OPC_PW}
          maxNodesPerRead: 200
        subscription: {publishingInterval: 500ms, keepAliveCount: 4, staleIntervals: 12, samplingInterval: 100ms, queueSize: 5, deadband: 0.5}
        channels:
          - {name: temp, node: "ns=2;s=Plant/Temp"}
          - {name: level, node: "nsu=urn:vendor:plant;i=1001", deadbandPercent: 2, samplingInterval: 1s, queueSize: 1}
        """, Map.of("OPC_PW", "pw"));
    assertThat(p.mode()).isEqualTo(AcquisitionMode.SUBSCRIBE);
    assertThat(p.timestamps()).isEqualTo(TimestampSource.SERVER);
    assertThat(p.connection().security()).isEqualTo(new SecurityChoice(SecurityPolicy.Aes256_Sha256_RsaPss, MessageSecurityMode.Sign));
    assertThat(p.connection().identity()).isInstanceOfSatisfying(Identity.UserPassword.class, u -> {
      assertThat(u.username()).isEqualTo("ferry");
      assertThat(u.password().reveal()).isEqualTo("pw");
    });
    assertThat(p.connection().maxNodesPerRead()).isEqualTo(200);
    assertThat(p.subscription()).isEqualTo(new SubscriptionSettings(Duration.ofMillis(500), 4, 12, 1000));
    assertThat(p.nodes().get(0).deadband()).isEqualTo(new Deadband.Absolute(0.5));
    assertThat(p.nodes().get(0).samplingInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(p.nodes().get(0).queueSize()).isEqualTo(5);
    assertThat(p.nodes().get(1).deadband()).isEqualTo(new Deadband.Percent(2));
    assertThat(p.nodes().get(1).queueSize()).isEqualTo(1);
    assertThat(String.join("\n", p.describe())).contains("Aes256_Sha256_RsaPss/Sign").contains("password from ${env:OPC_PW}")
        .doesNotContain("pw\n").contains("level <- nsu=urn:vendor:plant;i=1001");
  }

  @Test
  void defaultsToPollingWithoutSecurityAndSecureModeDefaultsToSignAndEncrypt() {
    OpcUaPlan poll = Plans.valid(dir, HEAD + "connection: {endpoint: opc.tcp://h:4840}\nchannels:\n  - {name: a, node: i=2258}\n", Map.of());
    assertThat(poll.mode()).isEqualTo(AcquisitionMode.POLL);
    assertThat(poll.connection().security()).isEqualTo(SecurityChoice.NONE);
    assertThat(poll.connection().identity()).isInstanceOf(Identity.Anonymous.class);
    assertThat(poll.timestamps()).isEqualTo(TimestampSource.SOURCE);
    OpcUaPlan secure = Plans.valid(dir, HEAD + "connection: {endpoint: opc.tcp://h:4840, securityPolicy: basic256sha256}\nchannels:\n  - {name: a, node: i=2258}\n", Map.of());
    assertThat(secure.connection().security().mode()).isEqualTo(MessageSecurityMode.SignAndEncrypt);
  }

  @Test
  void backfillIsOffByDefaultAndOnWithItsSection() {
    String body = "connection: {endpoint: opc.tcp://h:4840}\nchannels:\n  - {name: a, node: i=2258}\n";
    assertThat(Plans.valid(dir, HEAD + body, Map.of()).backfill()).isEqualTo(BackfillSettings.OFF);
    OpcUaPlan on = Plans.valid(dir, HEAD + "backfill: {enabled: true, maxAge: 2h, valuesPerCall: 500}\n" + body, Map.of());
    assertThat(on.backfill()).isEqualTo(new BackfillSettings(true, Duration.ofHours(2), 500));
    assertThat(String.join("\n", on.describe())).contains("backfill: after every connect").contains("at most 2h back");
    assertThat(Plans.valid(dir, HEAD + "backfill: {maxAge: 30m}\n" + body, Map.of()).backfill())
        .as("the section alone turns it on").isEqualTo(new BackfillSettings(true, Duration.ofMinutes(30), 1000));
    assertThat(Plans.valid(dir, HEAD + "backfill: {enabled: false}\n" + body, Map.of()).backfill().enabled()).isFalse();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("connection: {endpoint: http://h:80}\nchannels:\n  - {name: a, node: i=1}\n", "connection.endpoint", "opc.tcp://"),
        Arguments.of("connection: {endpoint: opc.tcp://h, securityPolicy: Basic128Rsa15}\nchannels:\n  - {name: a, node: i=1}\n",
            "connection.securityPolicy", "unknown securityPolicy"),
        Arguments.of("connection: {endpoint: opc.tcp://h, securityPolicy: None, securityMode: Sign}\nchannels:\n  - {name: a, node: i=1}\n",
            "connection.securityMode", "only goes with securityMode None"),
        Arguments.of("connection: {endpoint: opc.tcp://h, securityPolicy: Basic256Sha256, securityMode: None}\nchannels:\n  - {name: a, node: i=1}\n",
            "connection.securityMode", "needs securityMode Sign or SignAndEncrypt"),
        Arguments.of("connection: {endpoint: opc.tcp://h, username: u}\nchannels:\n  - {name: a, node: i=1}\n", "connection.username", "needs a password"),
        Arguments.of("connection: {endpoint: opc.tcp://h, username: u, password: hunter2}\nchannels:\n  - {name: a, node: i=1}\n",
            "connection.password", "secrets are never written in YAML"),
        Arguments.of("connection: {endpoint: opc.tcp://h, username: u, password: '${env:X}', userCertificate: /u.p12, userCertificatePassword: '${env:X}'}\n"
            + "channels:\n  - {name: a, node: i=1}\n", "connection.userCertificate", "choose one user identity"),
        Arguments.of("connection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: \"ns=2;q=bad\"}\n", "channels[0].node", "not an OPC UA node id"),
        Arguments.of("connection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1, deadband: 1}\n", "channels[0]", "only apply with mode: subscribe"),
        Arguments.of("mode: subscribe\nconnection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1, deadband: 1, deadbandPercent: 2}\n",
            "channels[0].deadbandPercent", "choose one"),
        Arguments.of("mode: subscribe\nsubscription: {keepAliveCount: 10, staleIntervals: 5}\nconnection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1}\n",
            "subscription.staleIntervals", "must be more than keepAliveCount"),
        Arguments.of("subscription: {publishingInterval: 1s}\nconnection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1}\n",
            "subscription", "only used with mode: subscribe"),
        Arguments.of("mode: stream\nconnection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1}\n", "mode", "unknown mode"),
        Arguments.of("channels:\n  - {name: a, node: i=1}\n", "", "missing required key \"connection\""),
        Arguments.of("connection: {endpoint: opc.tcp://h, endpiont: x}\nchannels:\n  - {name: a, node: i=1}\n", "connection.endpiont", "did you mean"),
        Arguments.of("timestamp: agent\nbackfill: {enabled: true}\nconnection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1}\n",
            "backfill", "needs timestamp: source"),
        Arguments.of("backfill: {maxAge: 10s}\nconnection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1}\n",
            "backfill.maxAge", "must be between 1m"),
        Arguments.of("backfill: {valuesPerCal: 5}\nconnection: {endpoint: opc.tcp://h}\nchannels:\n  - {name: a, node: i=1}\n",
            "backfill.valuesPerCal", "did you mean"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void reportsProblemsWithTheirPath(String body, String path, String message) {
    Plans.Result r = Plans.plan(dir, HEAD + body, Map.of("X", "x"));
    assertThat(r.problems().all()).as(r.problems().toString())
        .anySatisfy(p -> {
          assertThat(p.path()).isEqualTo(path);
          assertThat(p.message()).contains(message);
          assertThat(p.location().file()).isEqualTo("instruments.d/opc.yaml");
        });
    assertThat(r.problems().all()).extracting(Problem::message).noneMatch(m -> m.contains("hunter2"));
  }
}
