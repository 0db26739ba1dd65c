package io.ferry.uplink.clarify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problem;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.RollupSpec;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClarifyPlanTest {
  static final String ID = "c0123456789abcdefghi";
  @TempDir Path dir;

  static ChannelSpec rolled(String id, String unit, Duration every, Stat... stats) {
    return new ChannelSpec(ChannelId.parse(id), unit, "", ValueKind.GAUGE,
        Optional.of(new RollupSpec(every, List.of(stats), Duration.ofSeconds(10), false)), Optional.empty(),
        Map.of("cl", EnumSet.of(Route.ROLLUP)));
  }

  Optional<UplinkPlan> plan(String yaml, Problems problems, Duration poll, ChannelSpec... specs) {
    InstrumentInfo inst = new InstrumentInfo(ChannelId.parse(specs[0].id().toString()).instrument(), "simulated", "x.yaml", "",
        poll, poll, List.of("cl"), List.of(specs));
    return new ClarifyUplinkFactory().plan(UplinkTesting.section("cl", "clarify", yaml, problems, Map.of("PW", "password-123")),
        UplinkTesting.agent(dir, "gw"), List.of(inst));
  }

  @Test
  void inputKeysAreMappedToClarifysCharactersAndListedByPlan() {
    Problems problems = new Problems();
    ClarifyPlan plan = (ClarifyPlan) plan("integration: " + ID + "\nauth: basic\npassword: ${env:PW}\n"
        + "inputKey: \"{instrument} {channel} (raw)\"\n"
        + "inputKeys: {\"line-2/temp\": line2_temperature}\n", problems, Duration.ofMinutes(1),
        UplinkTesting.raw("line-2/temp", "degC", "cl"), UplinkTesting.raw("line-2/druck", "bar", "cl"),
        rolled("line-2/speed", "m/s", Duration.ofMinutes(1), Stat.AVG, Stat.COUNT)).orElseThrow();
    assertThat(problems.all()).isEmpty();
    assertThat(problems.warnings()).isEmpty(); // raw every minute is what Clarify advises
    assertThat(plan.describe()).contains(
        "input key line2_temperature <- line-2/temp (raw)",
        "input key line-2_druck__raw_ <- line-2/druck (raw)",
        "input key line-2.speed.avg <- line-2/speed:avg (rollup)",
        "input key line-2.speed.count <- line-2/speed:count (rollup)");
    assertThat(plan.describe().get(1)).isEqualTo("auth: basic, user " + ID + ", password from ${env:PW}");
    assertThat(String.join("\n", plan.describe())).doesNotContain("password-123");
    assertThat(plan.rpcUrl().toString()).isEqualTo("https://api.clarify.io/v1/rpc");
    ClarifyPlan.Signal count = plan.signals().get(new ClarifyPlan.Series(ChannelId.parse("line-2/speed"), Stat.COUNT));
    assertThat(count.engUnit()).isEmpty();
    assertThat(count.sampleInterval()).contains(Duration.ofMinutes(1));
    assertThat(count.name()).isEqualTo("line-2 speed count per 1m");
  }

  @Test
  void fastRawRoutesAreAWarningAndCollidingKeysAnError() {
    Problems problems = new Problems();
    Optional<UplinkPlan> plan = plan("integration: " + ID + "\nauth: basic\npassword: ${env:PW}\ninputKey: \"{instrument}\"\n", problems,
        Duration.ofSeconds(5), UplinkTesting.raw("kiln/a", "", "cl"), UplinkTesting.raw("kiln/b", "", "cl"));
    assertThat(plan).isEmpty();
    assertThat(problems.warnings()).extracting(Problem::message).singleElement().asString()
        .contains("instrument kiln routes raw samples here every 5s").contains("1 sample/min");
    assertThat(problems.all()).extracting(Problem::message).singleElement().asString()
        .contains("input key \"kiln\" is given to both kiln/a and kiln/b");
  }

  @Test
  void badIntegrationShortSecretsAndTooFastPacingAreErrors() {
    Problems problems = new Problems();
    plan("integration: NOT-AN-ID\nclientId: c\nclientSecret: ${env:SHORT}\nminInterval: 500ms\nmaxRequestSize: 9MiB\n", problems,
        Duration.ofMinutes(1), UplinkTesting.raw("kiln/a", "", "cl"));
    // ${env:SHORT} is not set in this test's environment: the error names the variable
    assertThat(problems.all()).extracting(Problem::path).contains("uplinks.cl.integration", "uplinks.cl.clientSecret",
        "uplinks.cl.minInterval", "uplinks.cl.maxRequestSize");
    Problems shortOne = new Problems();
    new ClarifyUplinkFactory().plan(UplinkTesting.section("cl", "clarify", "integration: " + ID + "\nauth: basic\npassword: ${env:PW}\n",
        shortOne, Map.of("PW", "1234")), UplinkTesting.agent(dir, "gw"), List.of());
    assertThat(shortOne.all()).extracting(Problem::message).singleElement().asString().contains("4 characters long")
        .doesNotContain("1234\"");
  }

  @Test
  void aClarifyCredentialsFileGivesUrlIntegrationAndClientCredentials() throws Exception {
    Path file = dir.resolve("clarify-credentials.json");
    Files.writeString(file, "{\"apiUrl\":\"https://eu.clarify.example/v1/\",\"integration\":\"" + ID + "\","
        + "\"credentials\":{\"type\":\"client-credentials\",\"clientId\":\"client-9\",\"clientSecret\":\"very-secret-value\"}}");
    Problems problems = new Problems();
    ClarifyPlan plan = (ClarifyPlan) plan("credentials: ${file:" + file + "}\n", problems, Duration.ofMinutes(1),
        UplinkTesting.raw("kiln/a", "", "cl")).orElseThrow();
    assertThat(problems.all()).isEmpty();
    assertThat(plan.integration()).isEqualTo(ID);
    assertThat(plan.rpcUrl().toString()).isEqualTo("https://eu.clarify.example/v1/rpc");
    assertThat(plan.tokenUrl().toString()).isEqualTo("https://eu.clarify.example/v1/oauth/token");
    ClarifyPlan.Auth.ClientCredentials auth = (ClarifyPlan.Auth.ClientCredentials) plan.auth();
    assertThat(auth.clientId()).isEqualTo("client-9");
    assertThat(auth.clientSecret().reveal()).isEqualTo("very-secret-value");
    assertThat(auth.audience()).isEqualTo("https://eu.clarify.example/v1/");
    assertThat(String.join("\n", plan.describe())).doesNotContain("very-secret-value");

    Files.writeString(file, "<html>not json</html>");
    Problems bad = new Problems();
    assertThat(plan("credentials: ${file:" + file + "}\n", bad, Duration.ofMinutes(1), UplinkTesting.raw("kiln/a", "", "cl"))).isEmpty();
    assertThat(bad.all()).extracting(Problem::message).anySatisfy(m -> assertThat(m).contains("is not a Clarify credentials file"));
  }

  /** An apiUrl that is not http(s) used to be replaced by the default URL without a word. */
  @Test
  void aCredentialsFileWhoseApiUrlIsNotHttpIsRefusedNamingFileAndField() throws Exception {
    Path file = dir.resolve("clarify-credentials.json");
    for (String[] row : new String[][] {
        {"\"ftp://eu.clarify.example/v1/\"", "\"ftp://eu.clarify.example/v1/\""},
        {"\"eu.clarify.example/v1/\"", "\"eu.clarify.example/v1/\""},
        {"\"\"", "\"\""},
        {"42", "42"}}) {
      Files.writeString(file, "{\"apiUrl\":" + row[0] + ",\"integration\":\"" + ID + "\","
          + "\"credentials\":{\"type\":\"client-credentials\",\"clientId\":\"client-9\",\"clientSecret\":\"very-secret-value\"}}");
      Problems problems = new Problems();
      assertThat(plan("credentials: ${file:" + file + "}\n", problems, Duration.ofMinutes(1), UplinkTesting.raw("kiln/a", "", "cl")))
          .as(row[0]).isEmpty();
      assertThat(problems.all()).extracting(Problem::message).as(row[0]).containsExactly(
          "${file:" + file + "}: apiUrl must be an http:// or https:// URL, got " + row[1]);
    }
  }
}
