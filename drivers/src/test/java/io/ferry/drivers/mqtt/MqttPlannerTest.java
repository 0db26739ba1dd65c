package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.drivers.mqtt.MqttPlan.PayloadFormat;
import io.ferry.drivers.mqtt.MqttPlan.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MqttPlannerTest {
  @TempDir Path dir;

  private static final String CHANNELS = """
      channels:
        - {name: line1_temp}
        - {name: line2_temp}
        - {name: line1_state}
        - {name: power}
      """;

  @Test
  void readsAFullInstrumentIntoAnImmutablePlan() throws Exception {
    Path ca = TestCertificates.ca("Plan Test CA").writePem(dir.resolve("ca.pem")); // planning parses it
    var out = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection:
          url: ssl://broker.example:8884
          clientId: ferry-gw1-plant
          username: ferry
          password: ${env:MQTT_PW}
          tls: {caFile: %s, verifyHostname: false}
          keepAlive: 20s
          backoffInitial: 500ms
          backoffMax: 30s
          maxPending: 50
        subscriptions:
          - topic: plant/+/env
            records: readings
            timestamp: ts
            timestampFormat: epoch-ms
            values:
              - {path: temp, channel: "{2}_temp"}
              - {path: state, channel: "{2}_state", type: text}
          - topic: plant/power
            payload: number
            channel: power
            ignoreRetained: true
        """.formatted(ca) + CHANNELS.replace("line1_state", "line1_state}\n  - {name: line2_state"), Map.of("MQTT_PW", "s3cret"));
    MqttPlan p = out.mqtt();
    assertThat(p.connection().url()).isEqualTo("ssl://broker.example:8884");
    assertThat(p.connection().tls()).isTrue();
    assertThat(p.connection().verifyHostname()).isFalse();
    assertThat(p.connection().caFile()).contains(ca);
    assertThat(p.connection().password().orElseThrow().reveal()).isEqualTo("s3cret");
    assertThat(p.connection().keepAlive()).isEqualTo(Duration.ofSeconds(20));
    assertThat(p.connection().maxPending()).isEqualTo(50);
    assertThat(p.connection().qos()).isEqualTo(1);
    assertThat(p.filters()).containsExactly("plant/+/env", "plant/power");
    var env = p.subscriptions().get(0);
    assertThat(env.payload()).isEqualTo(PayloadFormat.JSON);
    assertThat(env.timestampFormat()).isEqualTo(TimestampFormat.EPOCH_MS);
    assertThat(env.values()).extracting(v -> v.type()).containsExactly(ValueType.NUMBER, ValueType.TEXT);
    assertThat(p.subscriptions().get(1).ignoreRetained()).isTrue();
    assertThat(String.join("\n", p.describe()))
        .contains("ssl://broker.example:8884", "hostname verification OFF", "password from ${env:MQTT_PW}",
            "subscribe plant/+/env: json, records at readings, time from ts (epoch-ms)", "temp -> {2}_temp",
            "retained messages ignored")
        .doesNotContain("s3cret");
  }

  @Test
  void defaultsArePersistentQos1WithDefaultPorts() {
    MqttPlan p = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection: {url: "tcp://127.0.0.1"}
        subscriptions:
          - {topic: plant/power, payload: number, channel: power}
        """ + CHANNELS).mqtt();
    assertThat(p.connection().url()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(p.connection().clientId()).isEmpty();
    assertThat(p.connection().qos()).isEqualTo(1);
    assertThat(p.connection().tls()).isFalse();
    assertThat(p.subscriptions().get(0).timestamp()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      scheme           | connection: {url: "http://h:1883"}                                            | unsupported scheme
      no url           | connection: {clientId: x}                                                     | missing required key "url"
      literal password | connection: {url: "tcp://h", username: u, password: hunter2}                  | secrets are never written in YAML
      password no user | connection: {url: "tcp://h", password: "${env:MQTT_PW}"}                      | a password needs a username
      tls on tcp       | connection: {url: "tcp://h", tls: {verifyHostname: true}}                     | TLS settings need an ssl:// url
      missing ca       | connection: {url: "ssl://h", tls: {caFile: /nonexistent/ca.pem}}              | CA file /nonexistent/ca.pem does not exist
      ca not a file    | connection: {url: "ssl://h", tls: {caFile: /dev/zero}}                        | CA file /dev/zero is a character device, not a regular file
      qos 2            | connection: {url: "tcp://h", qos: 2}                                          | QoS 2 is not supported
      backoff order    | connection: {url: "tcp://h", backoffInitial: 10s, backoffMax: 1s}             | must not be shorter than backoffInitial (10s)
      old spelling     | connection: {url: "tcp://h", reconnectMin: 1s}                                | unknown key "reconnectMin", did you mean "backoffInitial"?
      """)
  void connectionProblemsNameTheKey(String name, String connection, String expected) {
    var out = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        %s
        subscriptions:
          - {topic: plant/power, payload: number, channel: power}
        """.formatted(connection) + CHANNELS, Map.of("MQTT_PW", "pw"));
    assertThat(out.problems().toString()).contains("instruments.d/inst.yaml:").contains(expected);
    assertThat(out.plan()).isEmpty().as("an invalid instrument gets no plan");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      hash not last       | {topic: "plant/#/x", payload: number, channel: power}                                  | must be a whole level and the last one
      plus in level       | {topic: "plant/a+/x", payload: number, channel: power}                                 | "+" must be a whole level
      undeclared channel  | {topic: plant/p, payload: number, channel: powr}                                       | channel "powr" is not declared under channels:, did you mean "power"
      level out of range  | {topic: "plant/+", payload: number, channel: "{3}_temp"}                               | refers to topic level 3 but "plant/+" has only 2 levels
      bad placeholder     | {topic: "plant/+", payload: number, channel: "{x}_temp"}                               | is not a topic level number
      json without values | {topic: plant/p}                                                                       | a json subscription needs values
      bad path            | {topic: plant/p, values: [{path: "a..b", channel: power}]}                             | invalid field path "a..b"
      bad index           | {topic: plant/p, values: [{path: "a[x]", channel: power}]}                             | is not an array index
      records on number   | {topic: plant/p, payload: number, channel: power, records: r}                          | records applies to payload: json only
      format no timestamp | {topic: plant/p, timestampFormat: epoch-s, values: [{path: v, channel: power}]}        | timestampFormat: needs timestamp
      unknown format      | {topic: plant/p, timestamp: t, timestampFormat: epoch-sec, values: [{path: v, channel: power}]} | unknown timestampFormat "epoch-sec"
      unknown payload     | {topic: plant/p, payload: xml, channel: power}                                         | unknown payload "xml"
      """)
  void subscriptionProblemsNameTheKey(String name, String subscription, String expected) {
    var out = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection: {url: "tcp://h"}
        subscriptions:
          - %s
        """.formatted(subscription) + CHANNELS);
    assertThat(out.problems().toString()).contains(expected);
    assertThat(out.plan()).isEmpty();
  }

  @Test
  void aMistypedKeyIsReportedWithASuggestion() {
    var out = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection: {url: "tcp://h", keepAlve: 10s}
        subscriptions:
          - {topic: plant/power, payload: number, channel: power, ignoreRetaind: true}
        """ + CHANNELS);
    assertThat(out.problems().toString())
        .contains("connection.keepAlve: unknown key \"keepAlve\", did you mean \"keepAlive\"")
        .contains("subscriptions[0].ignoreRetaind: unknown key \"ignoreRetaind\", did you mean \"ignoreRetained\"");
  }

  @Test
  void theSameFilterTwiceIsAnError() {
    var out = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection: {url: "tcp://h"}
        subscriptions:
          - {topic: plant/p, payload: number, channel: power}
          - {topic: plant/p, payload: number, channel: line1_temp}
        """ + CHANNELS);
    assertThat(out.problems().toString()).contains("subscriptions[1].topic", "already used by subscriptions[0]");
  }

  @Test
  void missingSubscriptionsAndConnectionAreReported() {
    var out = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        """ + CHANNELS);
    assertThat(out.problems().toString()).contains("missing required key \"connection\"", "missing required key \"subscriptions\"");
  }
}
