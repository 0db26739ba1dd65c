package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** agent.yaml's http: section: off unless written, loopback unless the operator consents and sets a token. */
class HttpSettingsTest {
  @TempDir Path dir;
  Problems problems = new Problems();

  private Optional<HttpSettings> load(String http, Map<String, String> env) throws IOException {
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), "gatewayId: gw-1\nstateDir: /tmp/ferry-test\n" + http);
    ConfigContext ctx = ConfigContext.of(problems, env);
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, Set.of(), Set.of()).load(dir);
    ctx.finish();
    return loaded.agent().orElseThrow().http();
  }

  /** Problems about http: (an empty instruments.d/ is reported too, and is not the subject here). */
  private List<String> lines() {
    return problems.all().stream().map(Problem::toString).filter(l -> l.contains("http")).toList();
  }

  @Test
  void offUnlessConfigured() throws IOException {
    assertThat(load("", Map.of())).isEmpty();
    assertThat(lines()).isEmpty();
  }

  @Test
  void loopbackNeedsNothingElseAndTakesTheHealthLimits() throws IOException {
    HttpSettings s = load("http: {listen: \"127.0.0.1:9108\", instrumentFailures: 5, uplinkStall: 30m, uplinkOutcomeUnknown: 0s}\n",
        Map.of()).orElseThrow();
    assertThat(lines()).isEmpty();
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(9108);
    assertThat(s.token()).isEmpty();
    assertThat(s.instrumentFailures()).isEqualTo(5);
    assertThat(s.uplinkStall()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.uplinkOutcomeUnknown()).isZero();
  }

  @Test
  void defaultsAndIpv6Loopback() throws IOException {
    HttpSettings s = load("http: {listen: \"[::1]:9108\"}\n", Map.of()).orElseThrow();
    assertThat(s.host()).isEqualTo("::1");
    assertThat(s.instrumentFailures()).isEqualTo(HttpSettings.DEFAULT_INSTRUMENT_FAILURES);
    assertThat(s.uplinkStall()).isEqualTo(HttpSettings.DEFAULT_UPLINK_STALL);
    assertThat(s.uplinkOutcomeUnknown()).isEqualTo(HttpSettings.DEFAULT_UPLINK_OUTCOME_UNKNOWN);
  }

  @Test
  void remoteWithConsentAndTokenFromTheEnvironment() throws IOException {
    HttpSettings s = load("http: {listen: \"0.0.0.0:9108\", allowRemote: true, token: \"${env:FERRY_HTTP_TOKEN}\"}\n",
        Map.of("FERRY_HTTP_TOKEN", "s3cret-token")).orElseThrow();
    assertThat(lines()).isEmpty();
    assertThat(s.token().orElseThrow().reveal()).isEqualTo("s3cret-token");
    assertThat(s.toString()).doesNotContain("s3cret-token");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http: {listen: \"0.0.0.0:9108\"}                      | http.listen: 0.0.0.0 is not a loopback address",
      "http: {listen: \"0.0.0.0:9108\", allowRemote: true}   | http.token: required when listening beyond loopback",
      "http: {listen: \"localhost\"}                          | http.listen: expected HOST:PORT",
      "http: {listen: \"127.0.0.1:70000\"}                    | http.listen: the port must be a number from 0 to 65535",
      "http: {listen: \"127.0.0.1:9108\", instrumentFailure: 3} | http.instrumentFailure: unknown key",
      "http: {allowRemote: true}                            | http.listen: missing required key",
      "http: {listen: \"999.0.0.1:9108\", allowRemote: true} | http.listen: \"999.0.0.1\" is not an IP address: 999 is out of range",
      "http: {listen: \"gateway.example:9108\", allowRemote: true} | http.listen: \"gateway.example\" is not an IP address",
      "http: {listen: \"[::g]:9108\", allowRemote: true}     | http.listen: \"::g\" is not an IPv6 address",
  })
  void mistakesNameTheKey(String yaml, String expected) throws IOException {
    load(yaml + "\n", Map.of());
    assertThat(lines()).hasSize(1);
    assertThat(lines().get(0)).startsWith("agent.yaml:3:").contains(expected);
  }

  @Test
  void aTokenFollowsTheRuleOfEverySecretAndIsReportedOnce() throws IOException {
    // 5 characters: refused as an uplink key of that length is (Secret.MIN_LENGTH), without a second "token required" line.
    assertThat(load("http: {listen: \"0.0.0.0:9108\", allowRemote: true, token: \"${env:T}\"}\n", Map.of("T", "abcde"))).isEmpty();
    assertThat(lines()).containsExactly(
        "agent.yaml:3:58 http.token: the secret from ${env:T} is 5 characters long: too short to be a real credential (at least 8)");
  }

  @Test
  void aTokenOfEightCharactersIsAccepted() throws IOException {
    HttpSettings s = load("http: {listen: \"127.0.0.1:9108\", token: \"${env:T}\"}\n", Map.of("T", "abcdefgh")).orElseThrow();
    assertThat(lines()).isEmpty();
    assertThat(s.token()).isPresent();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1      | ",
      "0.0.0.0        | ",
      "192.168.10.255 | ",
      "localhost      | ",
      "::1            | ",
      "::             | ",
      "fe80::1        | ",
      "::ffff:10.0.0.1 | ",
      "999.0.0.1      | 999 is out of range",
      "256.1.1.1      | 256 is out of range",
      "127.1          | write four numbers",
      "1.2.3.4.5      | write four numbers",
      "gateway.local  | host names are not looked up",
      "::g            | is not an IPv6 address",
      "1:2:3:4:5:6:7:8:9 | is not an IPv6 address",
  })
  void listenHostsAreLiteralAddressesOrLocalhost(String host, String problem) {
    if (problem == null) {
      assertThat(ListenAddress.problem(host)).isEmpty();
    } else {
      assertThat(ListenAddress.problem(host)).hasValueSatisfying(p -> assertThat(p).contains(problem).contains(host));
    }
  }
}
