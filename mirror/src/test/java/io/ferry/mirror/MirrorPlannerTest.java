package io.ferry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.ConfigContext;
import io.ferry.config.Fields;
import io.ferry.config.Problem;
import io.ferry.config.Problems;
import io.ferry.config.YamlReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MirrorPlannerTest {
  static final String VALID = """
      mirror:
        baseUrl: https://westeurope-1.cognitedata.com
        project: acme-prod
        subscription: site-7-setpoints
        tokenUrl: https://login.microsoftonline.com/tenant/oauth2/v2.0/token
        clientId: ferry-gw
        clientSecret: ${env:CDF_SECRET}
        scopes: [https://westeurope-1.cognitedata.com/.default]
      """;

  record Result(Optional<MirrorPlan> plan, List<Problem> problems) {
    List<String> messages() {
      return problems.stream().map(Problem::toString).toList();
    }
  }

  static Result plan(String yaml) {
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of("CDF_SECRET", "hunter2-cdf", "SHORT", "hunter2"));
    Fields root = YamlReader.read("agent.yaml", yaml, problems).flatMap(n -> ctx.fields(n, "")).orElseThrow();
    Optional<MirrorPlan> plan = root.object("mirror").flatMap(MirrorPlanner::plan);
    ctx.finish();
    return new Result(plan, problems.all());
  }

  @Test
  void minimalSectionGetsDefaults() {
    Result r = plan(VALID);
    assertThat(r.problems()).isEmpty();
    MirrorPlan p = r.plan().orElseThrow();
    assertThat(p.dataListUrl().toString())
        .isEqualTo("https://westeurope-1.cognitedata.com/api/v1/projects/acme-prod/timeseries/subscriptions/data/list");
    assertThat(p.partitions()).isEmpty();
    assertThat(p.pollTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.limit()).isEqualTo(1000);
    assertThat(p.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(p.initializeCursors()).isEmpty();
    assertThat(p.clientSecret().reveal()).isEqualTo("hunter2-cdf");
    assertThat(p.toString()).doesNotContain("hunter2");
    assertThat(String.join("\n", p.describe())).doesNotContain("hunter2-cdf").contains("${env:CDF_SECRET}", "partitions: all");
  }

  @Test
  void everyKeyIsRead() {
    Result r = plan(VALID + """
          partitions: [1, 0]
          audience: https://westeurope-1.cognitedata.com
          initializeCursors: 2d-ago
          pollTimeout: 3s
          limit: 5000
          retention: 14d
          cursorMargin: 30m
          includeBad: true
          includeUncertain: true
          enabled: true
        """);
    assertThat(r.problems()).isEmpty();
    MirrorPlan p = r.plan().orElseThrow();
    assertThat(p.partitions()).containsExactly(0, 1);
    assertThat(p.audience()).contains("https://westeurope-1.cognitedata.com");
    assertThat(p.initializeCursors()).contains("2d-ago");
    assertThat(p.pollTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.limit()).isEqualTo(5000);
    assertThat(p.retention()).isEqualTo(Duration.ofDays(14));
    assertThat(p.cursorMargin()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.includeBad()).isTrue();
    assertThat(p.includeUncertain()).isTrue();
  }

  @Test
  void disabledSectionPlansNothingWithoutComplaint() {
    Result r = plan(VALID + "  enabled: false\n");
    assertThat(r.plan()).isEmpty();
    assertThat(r.problems()).isEmpty();
  }

  static Stream<Arguments> badSections() {
    return Stream.of(
        Arguments.of(VALID.replace("  project: acme-prod\n", ""), "mirror.project: missing required key \"project\""),
        Arguments.of(VALID.replace("https://westeurope-1", "http://westeurope-1"), "mirror.baseUrl: must use https"),
        Arguments.of(VALID.replace("${env:CDF_SECRET}", "hunter2"), "mirror.clientSecret: secrets are never written in YAML"),
        Arguments.of(VALID.replace("${env:CDF_SECRET}", "${env:NOPE}"), "environment variable NOPE is not set"),
        Arguments.of(VALID.replace("${env:CDF_SECRET}", "${env:SHORT}"),
            "mirror.clientSecret: the secret from ${env:SHORT} is 7 characters long: too short to be a real credential (at least 8)"),
        Arguments.of(VALID + "  initializeCursors: yesterday\n", "mirror.initializeCursors: expected \"now\" or N[w|d|h|m]-ago"),
        Arguments.of(VALID + "  pollTimeout: 10s\n", "mirror.pollTimeout: must be between 0ms and 5s"),
        Arguments.of(VALID + "  pollTimeout: 1500ms\n", "mirror.pollTimeout: must be whole seconds"),
        Arguments.of(VALID + "  limit: 0\n", "mirror.limit: must be between 1 and 100000"),
        Arguments.of(VALID + "  partitions: [0, x]\n", "mirror.partitions: expected partition indexes"),
        Arguments.of(VALID + "  partitions: [0, 0]\n", "partition 0 is listed twice"),
        Arguments.of(VALID + "  retention: 5m\n", "mirror.retention: must be between 1h and"),
        Arguments.of(VALID.replace("  scopes: [https://westeurope-1.cognitedata.com/.default]\n", ""), "mirror.scopes: give scopes"),
        Arguments.of(VALID + "  pollTimout: 2s\n", "unknown key \"pollTimout\", did you mean \"pollTimeout\"?"));
  }

  @ParameterizedTest
  @MethodSource("badSections")
  void badSectionsAreReportedWithFileLineAndPath(String yaml, String expected) {
    Result r = plan(yaml);
    assertThat(r.messages()).anySatisfy(m -> assertThat(m).startsWith("agent.yaml:").contains(expected));
    assertThat(r.messages()).allSatisfy(m -> assertThat(m).doesNotContain("hunter2"));
    if (!expected.startsWith("unknown key")) {
      assertThat(r.plan()).isEmpty();
    }
  }

  @Test
  void plainHttpIsAcceptedForLoopbackOnly() {
    Result r = plan(VALID.replace("https://westeurope-1.cognitedata.com", "http://127.0.0.1:8080")
        .replace("https://login.microsoftonline.com/tenant/oauth2/v2.0/token", "http://localhost:9/token"));
    assertThat(r.problems()).isEmpty();
    assertThat(r.plan().orElseThrow().byIdsUrl().toString())
        .isEqualTo("http://127.0.0.1:8080/api/v1/projects/acme-prod/timeseries/subscriptions/byids");
  }
}
